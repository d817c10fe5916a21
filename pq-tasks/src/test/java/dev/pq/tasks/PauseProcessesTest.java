package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.PQ;
import dev.pq.tasks.ChildWorker.Numbered;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A queue paused while 3 worker processes run: none of them takes its jobs for 10 s, and once it
 * is resumed they take them all at once (told by NOTIFY, not at their 500 ms poll).
 */
@Timeout(120)
class PauseProcessesTest extends ChildProcessTestBase {
    private static final int JOBS = 300;

    @Override
    protected PQ.Builder builder() {
        return super.builder().poolSize(4); // leave connections to the children
    }

    @Test
    void threeWorkerProcesses_takeNoJobOfAPausedQueueForTenSeconds_andTakeThemAllRightAfterTheResume() throws Exception {
        Tasks producer = Tasks.create(pq);
        Admin admin = producer.admin();
        admin.pause("default");
        for (int i = 0; i < 3; i++) {
            children.start(TestDatabase.url(), schema, 4, 0, "p" + i);
        }
        await("3 workers registered\n" + children.output(), Duration.ofSeconds(60),
                () -> count("SELECT count(*) FROM " + schema + ".queue_workers") == 3);
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            Numbered client = producer.client(Numbered.class, Enqueue.options().in(c));
            for (int n = 0; n < JOBS; n++) {
                client.run(n, null);
            }
            c.commit();
        }
        // the claim is about time itself: watch the 10 s, looking every 100 ms
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            assertEquals(0, done(), "a paused queue's job ran\n" + children.output());
            assertEquals(0, jobLocks(), "a paused queue's job was taken\n" + children.output());
            Thread.sleep(100);
        }
        assertEquals(JOBS, pq.queue("default").size());

        long t0 = System.nanoTime();
        admin.resume("default");
        await("the first job after the resume", Duration.ofSeconds(5), () -> done() > 0);
        long first = System.nanoTime();
        await("every job after the resume", Duration.ofSeconds(30), () -> done() == JOBS);
        long all = System.nanoTime();
        long firstMs = TimeUnit.NANOSECONDS.toMillis(first - t0);
        long allMs = TimeUnit.NANOSECONDS.toMillis(all - t0);
        System.out.printf("resume -> first job done %d ms, all %d jobs done %d ms (3 processes x 4 threads)%n",
                firstMs, JOBS, allMs);
        assertTrue(firstMs < 1_000, "the first job ran " + firstMs + " ms after the resume");
        assertEquals(3L, count("SELECT count(DISTINCT worker) FROM " + schema + ".done"),
                "every process took jobs once resumed\n" + children.output());
    }
}
