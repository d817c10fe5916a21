package dev.pq.scheduler;


import dev.pq.internal.Internals;
import dev.pq.scheduler.spi.SchedulerClock;
import dev.pq.tasks.JobContext;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Scheduler tests on real PostgreSQL. The database clock of the runs is the seam: a
 * {@link SchedulerClock} that returns the time the test sets ({@link #runAt}), so hours pass in
 * milliseconds; the run itself is the real scheduler job, made due and worked by a real worker.
 */
abstract class SchedulerTestBase extends PgTest {
    /** The tasks the schedules name: each records what it received in the table {@code received}. */
    public interface Reports {
        @Task(name = "reports.daily", queue = "reports", priority = 40)
        void daily(String kind, JobContext job) throws Exception;

        @Task(name = "reports.event")
        void event(String matchTime, String kind, JobContext job) throws Exception;
    }

    protected final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:30Z"));
    protected final SchedulerClock clock = c -> now.get();
    private final List<Worker> workers = new ArrayList<>();
    protected Tasks tasks;

    @BeforeEach
    void receivedTable() {
        TestDatabase.execute("CREATE TABLE " + schema + ".received (entry text NOT NULL, match text, kind text, "
                + "job_id bigint NOT NULL, PRIMARY KEY (entry, match))");
        tasks = reportingTasks(Tasks.create(pq), schema);
    }

    /** Registers {@link Reports} recording into {@code schema.received} (also used by child workers). */
    static Tasks reportingTasks(Tasks tasks, String schema) {
        return tasks.register(Reports.class, new Reports() {
            @Override
            public void daily(String kind, JobContext job) throws Exception {
                record(job, "daily", String.valueOf(job.id()), kind);
            }

            @Override
            public void event(String matchTime, String kind, JobContext job) throws Exception {
                record(job, "event:" + kind, matchTime, kind);
            }

            private void record(JobContext job, String entry, String match, String kind) throws SQLException {
                try (PreparedStatement ps = job.connection().prepareStatement(
                        "INSERT INTO " + schema + ".received (entry, match, kind, job_id) VALUES (?, ?, ?, ?)")) {
                    ps.setString(1, entry);
                    ps.setString(2, match);
                    ps.setString(3, kind);
                    ps.setLong(4, job.id());
                    ps.executeUpdate();
                }
            }
        });
    }

    @AfterEach
    void closeWorkers() {
        workers.forEach(Worker::close);
    }

    protected Scheduler scheduler(Schedule schedule) {
        return Scheduler.builder(tasks).schedule(schedule).clock(clock).build();
    }

    protected Worker worker() {
        Worker w = Worker.builder(tasks).queues("*").pollInterval(Duration.ofMillis(100))
                .heartbeatInterval(Duration.ofMillis(200)).build().start();
        workers.add(w);
        return w;
    }

    /**
     * Builds the scheduler, starts it and a worker, and waits for its first run (at the clock's
     * start, 00:00:30): entries start from it. Waiting here keeps that run from racing the test's.
     */
    protected Scheduler start(Schedule schedule) {
        Scheduler s = scheduler(schedule);
        s.ensureStarted();
        worker();
        await("the first scheduler run", Duration.ofSeconds(20),
                () -> count("SELECT count(*) FROM " + schema + ".queue_scheduler_runs") == 1);
        return s;
    }

    /** Sets the clock to {@code t}, makes the scheduler job due and waits for its run to be recorded. */
    protected void runAt(String t) {
        now.set(Instant.parse(t));
        long before = count("SELECT count(*) FROM " + schema + ".queue_scheduler_runs");
        makeSchedulerDue();
        await("a scheduler run at " + t, Duration.ofSeconds(20),
                () -> count("SELECT count(*) FROM " + schema + ".queue_scheduler_runs") > before);
    }

    protected void makeSchedulerDue() {
        exec("UPDATE " + table() + " SET schedule_at = now() - interval '1 second' WHERE task = 'pq.scheduler'");
        exec("SELECT pg_notify('" + Internals.engine(pq).sql().channel + "', '" + Scheduler.QUEUE + "')");
    }

    protected long count(String sql, Object... params) {
        return ((Number) queryOne(sql, params)).longValue();
    }

    protected void exec(String sql, Object... params) {
        try (Connection c = TestDatabase.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    protected List<String> strings(String sql) {
        try (Connection c = TestDatabase.connect(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Jobs of a task still in the queue (enqueued, not yet worked). */
    protected long pendingOf(String task) {
        return count("SELECT count(*) FROM " + table() + " WHERE task = ?", task);
    }

}
