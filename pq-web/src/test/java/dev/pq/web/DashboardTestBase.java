package dev.pq.web;

import dev.pq.tasks.Enqueue;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import dev.pq.testing.PgTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;

/** A test schema with a Tasks over it, a dashboard server per test, and a task that fails on demand. */
abstract class DashboardTestBase extends PgTest {
    static final String TOKEN = "test-token-0123456789";

    /** The tasks the dashboard tests enqueue. */
    public interface Billing {
        @Task(queue = "billing")
        void charge(String customer, int cents) throws InterruptedException;
    }

    final CountDownLatch running = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final List<AutoCloseable> closing = new ArrayList<>();

    Tasks tasks() {
        Tasks tasks = Tasks.create(pq);
        tasks.register(Billing.class, (customer, cents) -> {
            if (cents < 0) {
                throw new IllegalArgumentException("<img src=x onerror=alert(1)> negative amount for " + customer);
            }
            if (cents == 0) {
                running.countDown();
                release.await();
            }
        });
        return tasks;
    }

    DashboardServer serve(Dashboard dashboard) {
        return serve(dashboard, "");
    }

    DashboardServer serve(Dashboard dashboard, String prefix) {
        DashboardServer s = DashboardServer.start(dashboard, "127.0.0.1", 0, prefix);
        closing.add(s);
        return s;
    }

    Worker worker(Tasks tasks, String... queues) {
        Worker w = Worker.builder(tasks).queues(queues).workerCount(2).build().start();
        closing.add(w);
        return w;
    }

    /** Enqueues {@code cents} for {@code customer} and returns the job id. */
    static long charge(Tasks tasks, String customer, int cents) throws InterruptedException {
        tasks.client(Billing.class).charge(customer, cents);
        return tasks.lastId();
    }

    static long chargeIn(Tasks tasks, Enqueue options, String customer, int cents) throws InterruptedException {
        tasks.client(Billing.class, options).charge(customer, cents);
        return tasks.lastId();
    }

    /** Marks a job failed as its retries running out would, with the given message. */
    void fail(long id, String message) {
        exec("UPDATE " + table() + " SET failed_at = now(), error_count = 3, last_error_message = ?, "
                + "last_error_backtrace = ? WHERE id = ?", message, message
                + "\n\tat dev.pq.Billing.charge(Billing.java:42)\n\tat dev.pq.tasks.internal.JobRunner.run(JobRunner.java:88)", id);
    }

    void exec(String sql, Object... params) {
        try (var c = dev.pq.testing.TestDatabase.connect();
             var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        release.countDown();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        closing.clear();
    }
}
