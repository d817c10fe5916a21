package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.FailedJob;
import dev.pq.tasks.Tasks;
import dev.pq.testing.PgTest;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailedCommandTest extends PgTest {
    private Tasks tasks;

    @BeforeEach
    void tasks() {
        TestSetup.reset();
        tasks = TestSetup.register(Tasks.create(pq));
    }

    /** Enqueues Boom jobs and drains them with {@code pq work}: they fail for good (no retries). */
    private List<Long> fail(String... args) {
        for (String a : args) {
            tasks.enqueue(TestSetup.Boom.class, a);
        }
        drain();
        List<FailedJob> failed = tasks.admin().failed(null, 100, 0);
        assertEquals(args.length, failed.size());
        return failed.stream().map(FailedJob::id).toList();
    }

    private void drain() {
        Cli.Result r = Cli.db(schema, List.of("work"), "--drain", "--setup", TestSetup.class.getName(),
                "--worker-count", "1", "--queue", "boom");
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void list_showsIdQueueTaskErrorsTimeAndAbbreviatedMessage() {
        long id = fail("one").get(0);
        Cli.Result r = Cli.db(schema, List.of("failed", "list"));
        assertEquals(0, r.code(), r.toString());
        String out = r.out();
        assertTrue(out.contains("id") && out.contains("queue") && out.contains("task") && out.contains("errors")
                && out.contains("failed at") && out.contains("last error"), out);
        assertTrue(Pattern.compile("(?m)^ *" + id + " +boom +Boom +1 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +"
                + "java\\.lang\\.IllegalStateException: boom: one x+\\.\\.\\.$").matcher(out).find(), out);
        for (String line : out.split("\n")) {
            assertTrue(line.length() < 160, "message not abbreviated: " + line);
        }
        assertTrue(out.contains("1 failed jobs shown"), out);

        Cli.Result other = Cli.db(schema, List.of("failed", "list"), "--queue", "apples");
        assertEquals(0, other.code(), other.toString());
        assertTrue(other.out().contains("no failed jobs in queue apples"), other.out());
    }

    @Test
    void list_limitAndOffset() {
        List<Long> ids = fail("a", "b", "c");
        Cli.Result r = Cli.db(schema, List.of("failed", "list"), "--limit", "2", "--offset", "1");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("2 failed jobs shown (more with --offset 3)"), r.out());
        long shown = ids.stream().filter(i -> Pattern.compile("(?m)^ *" + i + " ").matcher(r.out()).find()).count();
        assertEquals(2, shown, r.out());
    }

    @Test
    void retry_oneJob_makesItReadyAgain_thenWorkRunsIt() {
        List<Long> ids = fail("a", "b");
        Cli.Result r = Cli.db(schema, List.of("failed", "retry", String.valueOf(ids.get(0))));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("retried job " + ids.get(0)), r.out());
        assertEquals(1, tasks.admin().failed(null, 10, 0).size());
        assertEquals(1, pq.queue("boom").size(), "the retried job is pending again");

        Cli.Result again = Cli.db(schema, List.of("failed", "retry", String.valueOf(ids.get(0))));
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.err().contains("job " + ids.get(0) + " is not a failed job"), again.err());
    }

    @Test
    void retryAll_andDeleteAll_perQueueAndEverywhere() {
        fail("a", "b");
        Cli.Result none = Cli.db(schema, List.of("failed", "retry"), "--all", "--queue", "apples");
        assertEquals(0, none.code(), none.toString());
        assertTrue(none.out().contains("retried 0 failed jobs of queue apples"), none.out());

        Cli.Result all = Cli.db(schema, List.of("failed", "retry"), "--all");
        assertEquals(0, all.code(), all.toString());
        assertTrue(all.out().contains("retried 2 failed jobs"), all.out());
        assertTrue(tasks.admin().failed(null, 10, 0).isEmpty());

        drain(); // works the two again: both fail again
        assertEquals(2, tasks.admin().failed(null, 10, 0).size());
        Cli.Result del = Cli.db(schema, List.of("failed", "delete"), "--all", "--queue", "boom");
        assertEquals(0, del.code(), del.toString());
        assertTrue(del.out().contains("deleted 2 failed jobs of queue boom"), del.out());
        assertTrue(tasks.admin().failed(null, 10, 0).isEmpty());
        assertEquals(0, pq.queue("boom").size());
    }

    @Test
    void delete_oneJob() {
        List<Long> ids = fail("a", "b");
        Cli.Result r = Cli.db(schema, List.of("failed", "delete", String.valueOf(ids.get(1))));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("deleted job " + ids.get(1)), r.out());
        List<FailedJob> left = tasks.admin().failed(null, 10, 0);
        assertEquals(1, left.size());
        assertEquals(ids.get(0), left.get(0).id());

        Cli.Result missing = Cli.db(schema, List.of("failed", "delete", "999999999"));
        assertEquals(1, missing.code(), missing.toString());
        assertTrue(missing.err().contains("job 999999999 is not a failed job"), missing.err());
    }
}
