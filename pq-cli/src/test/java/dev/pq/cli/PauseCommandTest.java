package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.Admin;
import dev.pq.tasks.PausedQueue;
import dev.pq.tasks.Tasks;
import dev.pq.testing.PgTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code pq pause} and {@code pq resume}, run as a user runs them; the database says what changed. */
class PauseCommandTest extends PgTest {
    private Admin admin;

    @BeforeEach
    void admin() {
        admin = Tasks.create(pq).admin();
    }

    private List<String> paused() {
        return admin.paused().stream().map(PausedQueue::queue).toList();
    }

    @Test
    void pause_pausesTheNamedQueues_andListsThePausedOnes() {
        Cli.Result r = Cli.db(schema, List.of("pause", "billing", "mail"));
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of("billing", "mail"), paused());
        assertTrue(r.out().contains("paused billing, mail"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("billing")), r.out());

        Cli.Result again = Cli.db(schema, List.of("pause", "billing"));
        assertTrue(again.out().contains("(1 already paused)"), again.out());

        Cli.Result list = Cli.db(schema, List.of("pause", "--list"));
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().contains("mail"), list.out());
        assertEquals(List.of("billing", "mail"), paused(), "listing changes nothing");
    }

    @Test
    void pauseAll_andResumeAll_coverEveryQueue() {
        Cli.Result r = Cli.db(schema, List.of("pause", "--all"));
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of("*"), paused());
        assertTrue(r.out().contains("* (every queue)"), r.out());
        admin.pause("billing");

        Cli.Result resume = Cli.db(schema, List.of("resume", "--all"));
        assertEquals(0, resume.code(), resume.toString());
        assertTrue(resume.out().contains("resumed every queue (2 pauses removed)"), resume.out());
        assertTrue(resume.out().contains("no queue is paused"), resume.out());
        assertEquals(List.of(), paused());
    }

    @Test
    void resume_removesOnlyTheNamedPauses() {
        admin.pause("billing", "mail");
        Cli.Result r = Cli.db(schema, List.of("resume", "mail"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("resumed mail (1 pause removed)"), r.out());
        assertEquals(List.of("billing"), paused());
    }

    @Test
    void usageErrors_sayWhatToGive_andChangeNothing() {
        Cli.Result none = Cli.db(schema, List.of("pause"));
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("give one or more queue names, or --all"), none.err());
        Cli.Result both = Cli.db(schema, List.of("resume", "billing", "--all"));
        assertEquals(2, both.code(), both.toString());
        assertTrue(both.err().contains("not both"), both.err());
        Cli.Result empty = Cli.db(schema, List.of("pause", ""));
        assertEquals(2, empty.code(), empty.toString());
        assertTrue(empty.err().contains("queue name must not be empty"), empty.err());
        assertEquals(List.of(), paused());
    }
}
