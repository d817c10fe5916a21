package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.PQ;
import dev.pq.tasks.ChildWorker.Numbered;
import dev.pq.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A job running in another worker process is cancelled from this one: the cancel reaches that
 * process through NOTIFY, it interrupts the job (whose write rolls back) and goes on working.
 */
@Timeout(120)
class CancelProcessTest extends ChildProcessTestBase {
    @Override
    protected PQ.Builder builder() {
        return super.builder().poolSize(4);
    }

    @Test
    void aJobRunningInAnotherProcess_isInterruptedThere_andThatProcessKeepsWorking() throws Exception {
        Tasks producer = Tasks.create(pq);
        Numbered client = producer.client(Numbered.class);
        Process child = children.start(TestDatabase.url(), schema, 2, 60_000, "c"); // odd jobs sleep a minute
        client.run(1, null);
        long id = producer.lastId();
        await("the job runs in the child\n" + children.output(), Duration.ofSeconds(60),
                () -> producer.admin().jobStates().stream().anyMatch(j -> j.id() == id));

        assertEquals(Admin.Cancel.RUNNING, producer.admin().cancel(id, "from another process"));
        await("the child's run ended: its lock is released\n" + children.output(), Duration.ofSeconds(20),
                () -> jobLocks() == 0);
        assertEquals(0, done(), "the cancelled run's write was rolled back");
        assertNotNull(row(id).get("cancelled_at"));

        client.run(2, null); // even: no sleep
        await("the same process runs the next job\n" + children.output(), Duration.ofSeconds(30), () -> done() == 1);
        assertTrue(child.isAlive(), "the child kept working");
        assertEquals("cancelled: from another process", producer.admin().cancelled(null, 10, 0).get(0).lastErrorMessage());
        assertTrue(producer.admin().failed(null, 10, 0).isEmpty(), "a cancel is not a failure");
    }
}
