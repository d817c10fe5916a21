package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.ChildWorker.Hog;
import dev.pq.tasks.ChildWorker.Numbered;
import dev.pq.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A job that exhausts the worker JVM's heap (OutOfMemoryError in its own thread) or its thread's
 * stack (StackOverflowError) is failed with the reason; the worker process keeps running and
 * works the jobs after it. Run in a child JVM with a small heap, so the heap really runs out.
 */
@Timeout(180)
class ResourceExhaustionTest extends ChildProcessTestBase {
    @Test
    void jobsExhaustingTheHeapOrTheStack_areFailedWithTheReason_andTheWorkerProcessKeepsWorking() throws Exception {
        Tasks producer = Tasks.create(pq);
        Numbered numbered = producer.client(Numbered.class);
        Hog hog = producer.client(Hog.class);
        for (int n = 0; n < 10; n++) {
            numbered.run(n, null);
            if (n == 3) {
                hog.heap();
            }
            if (n == 6) {
                hog.stack();
            }
        }
        Process child = children.start(TestDatabase.url(), schema, 1, 0, "hog");
        await("every other job ran: " + children.output(), Duration.ofSeconds(90), () -> done() == 10);
        await("both hogs are failed", Duration.ofSeconds(30), () -> producer.admin().failed(null, 10, 0).size() == 2);
        List<FailedJob> failed = producer.admin().failed(null, 10, 0);
        assertTrue(failed.stream().anyMatch(f -> f.task().equals("hog.heap")
                && f.lastErrorMessage().startsWith("java.lang.OutOfMemoryError")), failed.toString());
        assertTrue(failed.stream().anyMatch(f -> f.task().equals("hog.stack")
                && f.lastErrorMessage().startsWith("java.lang.StackOverflowError")), failed.toString());
        assertTrue(child.isAlive(), "the worker process survived");
        for (int n = 10; n < 15; n++) {
            numbered.run(n, null);
        }
        await("later jobs run too: " + children.output(), Duration.ofSeconds(30), () -> done() == 15);
        assertEquals(0, pending());
        await("no lock is left", () -> jobLocks() == 0);
    }
}
