package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Worker#health()} tells a built, a running, a reconnecting and a closed worker apart. */
@Timeout(60)
class WorkerHealthTest extends TasksTestBase {
    public interface Noop {
        @Task
        void noop(int n);
    }

    @Test
    void health_isNewThenHealthyThenStopped_andUnhealthyWhileTheLockerReconnects() throws Exception {
        Tasks tasks = Tasks.create(pq);
        tasks.register(Noop.class, n -> { });
        Worker.Builder builder = Worker.builder(tasks).workerCount(3).pollInterval(Duration.ofMillis(50));
        WorkerHealth fresh = builder.build().health();
        assertEquals(WorkerHealth.State.NEW, fresh.state());
        assertFalse(fresh.healthy());
        assertEquals(3, fresh.workerCount());

        Worker worker = start(builder);
        await("the worker is healthy", () -> worker.health().healthy());
        tasks.client(Noop.class).noop(1);
        await("the job ran", () -> worker.health().processed() == 1);

        Integer pid = (Integer) rows("SELECT backend_pid FROM " + schema + ".queue_workers").get(0).get("backend_pid");
        exec("SELECT pg_terminate_backend(?)", pid);
        // Between the dead row's removal and the new locker's registration the table can be empty.
        await("the lost locker shows", Duration.ofSeconds(20), () -> !worker.health().lockerConnected()
                || rows("SELECT backend_pid FROM " + schema + ".queue_workers WHERE backend_pid = ?", pid).isEmpty());
        await("healthy again after the reconnect", Duration.ofSeconds(20), () -> worker.health().healthy());

        worker.close();
        WorkerHealth closed = worker.health();
        assertEquals(WorkerHealth.State.STOPPED, closed.state());
        assertFalse(closed.healthy());
        assertTrue(closed.processed() >= 1);
    }
}
