package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.Tasks;
import dev.pq.testing.PgTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code pq cancel} and {@code pq failed list --cancelled}, run as a user runs them. */
class CancelCommandTest extends PgTest {

    @Test
    void cancel_aWaitingJob_keepsItWithItsReason_andListsItAsCancelled() {
        Tasks tasks = TestSetup.register(Tasks.create(pq));
        long id = tasks.enqueue(TestSetup.Sleep.class, 1L);
        Cli.Result r = Cli.db(schema, List.of("cancel", Long.toString(id)), "--reason", "a duplicate");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("cancelled job " + id + ": it will not run"), r.out());
        assertEquals(0, pq.queue("sleep").size(), "no longer pending");

        Cli.Result list = Cli.db(schema, List.of("failed", "list", "--cancelled"));
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().contains("cancelled at") && list.out().contains("cancelled: a duplicate"), list.out());
        Cli.Result failed = Cli.db(schema, List.of("failed", "list"));
        assertTrue(failed.out().contains("no failed jobs"), "a cancelled job is not a failed one:\n" + failed.out());

        Cli.Result again = Cli.db(schema, List.of("cancel", Long.toString(id)));
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.err().contains("is not waiting or running"), again.err());

        Cli.Result retry = Cli.db(schema, List.of("failed", "retry", Long.toString(id)));
        assertEquals(0, retry.code(), retry.toString());
        assertEquals(1, pq.queue("sleep").size(), "retried, it waits again");
    }

    @Test
    void cancel_withoutAnId_orWithAMalformedOne_isAUsageError() {
        Cli.Result none = Cli.db(schema, List.of("cancel"));
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("ID"), none.err());
        Cli.Result bad = Cli.db(schema, List.of("cancel", "12x"));
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("12x"), bad.err());
    }
}
