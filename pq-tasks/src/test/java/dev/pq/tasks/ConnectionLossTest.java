package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A run that fails only because its database connection did (a restart, a terminated backend)
 * is not the job's error: the job goes back to the queue without an error counted and runs again,
 * even a task with no retries. A job that loses its connection every time is failed in the end.
 */
@Timeout(60)
class ConnectionLossTest extends TasksTestBase {
    public interface Fragile {
        @Task // no retries: an error would fail it at once
        void run(int losses, JobContext job) throws Exception;
    }

    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();

    private Tasks tasks() {
        Tasks tasks = Tasks.create(pq);
        tasks.register(Fragile.class, (losses, job) -> {
            if (runs.incrementAndGet() <= losses) {
                try (PreparedStatement ps = job.connection().prepareStatement("SELECT pg_terminate_backend(pg_backend_pid())")) {
                    ps.execute(); // the job's own backend dies under it
                }
            }
            completed.incrementAndGet();
        });
        return tasks;
    }

    @Test
    void aRunWhoseConnectionDies_returnsTheJobWithoutAnError_andItRunsAgain() throws Exception {
        Tasks tasks = tasks();
        tasks.client(Fragile.class).run(2, null);
        long id = tasks.lastId();
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)));
        await("the third run completed", () -> completed.get() == 1);
        await("the job is gone", () -> row(id) == null);
        assertEquals(3, runs.get());
        assertEquals(0, tasks.admin().failed(null, 10, 0).size());
    }

    @Test
    void aJobThatLosesItsConnectionEveryTime_isFailedInTheEnd() throws Exception {
        Tasks tasks = tasks();
        tasks.client(Fragile.class).run(Integer.MAX_VALUE, null);
        long id = tasks.lastId();
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)));
        await("failed after the forgiven losses", () -> row(id) != null && row(id).get("failed_at") != null);
        assertEquals(6, runs.get(), "5 losses forgiven, the 6th counted");
        assertEquals(1, ((Number) row(id).get("error_count")).intValue());
        assertNotNull(row(id).get("last_error_message"));
        assertTrue(((String) row(id).get("last_error_message")).contains("terminat"), (String) row(id).get("last_error_message"));
        assertNull(row(id).get("finished_at"));
        assertEquals(0, completed.get());
    }
}
