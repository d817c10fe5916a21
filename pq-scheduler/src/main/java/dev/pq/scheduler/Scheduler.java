package dev.pq.scheduler;

import dev.pq.PQException;
import dev.pq.internal.Engine;
import dev.pq.internal.Internals;
import dev.pq.scheduler.internal.ClearAuditJob;
import dev.pq.scheduler.internal.ScheduleSource;
import dev.pq.scheduler.internal.SchedulerJob;
import dev.pq.scheduler.internal.SchedulerRun;
import dev.pq.scheduler.internal.SchedulerSql;
import dev.pq.scheduler.spi.SchedulerClock;
import dev.pq.tasks.Tasks;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Cron schedules that run as a job, que-scheduler's design: no extra process and no leader outside
 * PostgreSQL. One scheduler job lives in the pq table (queue {@value #QUEUE}); whichever worker
 * locks it runs it: each run enqueues what fell due since the last, records it, and reschedules
 * itself for the next minute, in one transaction. The database keeps exactly one such job (a
 * unique index for "at most", a deferred trigger for "at least"), and all its state, so a crash
 * anywhere or a restore from a backup resumes correctly.
 *
 * <pre>{@code
 * Tasks tasks = Tasks.create(pq);
 * tasks.register(new DailyReport());                       // what the schedule names
 * Scheduler scheduler = Scheduler.builder(tasks)
 *         .scheduleFile(Path.of("pq_schedule.yml"))        // default: -Dpq.schedule, PQ_SCHEDULE, pq_schedule.yml
 *         .zone(ZoneId.of("Europe/Paris"))                 // for entries without a zone; default UTC
 *         .build();                                        // validates the schedule, registers the scheduler's task
 * scheduler.ensureStarted();                               // the first scheduler job, if there is none
 * Worker.builder(tasks).queues("*").build().start();       // "*" includes the scheduler's queue
 * }</pre>
 */
public final class Scheduler {
    /** The queue of the scheduler job: a worker hosting the scheduler must work it ({@code *} does). */
    public static final String QUEUE = SchedulerSql.QUEUE;
    /** The scheduler job's task name. */
    public static final String TASK = SchedulerSql.TASK;

    private final Tasks tasks;
    private final Engine engine;
    private final SchedulerSql sql;
    private final ScheduleSource schedules;
    private final ZoneId zone;

    private Scheduler(Builder b) {
        this.tasks = b.tasks;
        this.engine = Internals.engine(b.tasks.pq());
        this.sql = new SchedulerSql(engine.sql());
        this.zone = b.zone;
        tasks.register(new ClearAuditJob(sql)); // first: a schedule may name it
        this.schedules = b.schedule != null ? ScheduleSource.of(b.schedule, tasks)
                : ScheduleSource.of(b.file != null ? b.file : Schedule.defaultLocation(), tasks);
        // registered again by a later Scheduler on the same tasks: the newest one's schedule runs
        tasks.register(new SchedulerJob(new SchedulerRun(tasks, sql, schedules, zone, b.clock)));
    }

    /** A scheduler over {@code tasks}: the tasks its schedule names must be registered there. */
    public static Builder builder(Tasks tasks) {
        return new Builder(tasks);
    }

    /** The schedule now (a file is read again when it changed). */
    public Schedule schedule() {
        return schedules.get();
    }

    /** The zone of entries that name none. */
    public ZoneId zone() {
        return zone;
    }

    /**
     * Enqueues the scheduler job if there is none (each worker may call it at start: two calls at
     * once still leave one job); true if this call enqueued it.
     */
    public boolean ensureStarted() {
        try (Connection c = engine.acquire(); PreparedStatement ps = c.prepareStatement(sql.ensureJob)) {
            ps.setString(1, QUEUE);
            ps.setString(2, TASK);
            ps.setString(3, TASK);
            ps.setString(4, engine.sql().channel);
            ps.setString(5, QUEUE);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw engine.translate(e, "starting the scheduler");
        }
    }

    /**
     * Stops the schedule on purpose: deletes the scheduler job (which the database refuses to lose
     * otherwise). Its state stays, so {@link #ensureStarted()} later resumes from the last run,
     * enqueuing what fell due meanwhile as each entry's schedule type says.
     */
    public void remove() {
        try (Connection c = engine.acquire()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement(); PreparedStatement ps = c.prepareStatement(sql.removeJob)) {
                st.execute("SET LOCAL pq.scheduler_removal = 'allow'");
                ps.setString(1, TASK);
                ps.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw engine.translate(e, "removing the scheduler");
        }
    }

    /** Each entry with the time of its last enqueued job (from the audit) and its next three runs. */
    public List<EntryStatus> status() {
        Map<String, Instant> last = new HashMap<>();
        query("reading the scheduler's audit", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.lastEnqueued); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last.put(rs.getString(1), Engine.instant(rs, 2));
                }
            }
            return null;
        });
        Instant now = Instant.now();
        List<EntryStatus> out = new ArrayList<>();
        for (ScheduleEntry e : schedule().entries()) {
            out.add(new EntryStatus(e, last.get(e.name()), Schedule.nextRuns(e, zone, now, 3)));
        }
        return out;
    }

    /** The newest {@code limit} scheduler runs, newest first. */
    public List<SchedulerRunInfo> runs(int limit) {
        return query("reading the scheduler's runs", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.runs)) {
                ps.setInt(1, limit);
                List<SchedulerRunInfo> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SchedulerRunInfo(rs.getLong(1), rs.getLong(2), Engine.instant(rs, 3), rs.getInt(4)));
                    }
                }
                return out;
            }
        });
    }

    /** The newest {@code limit} jobs the scheduler enqueued for {@code entry} (null: any entry), newest first. */
    public List<ScheduledJob> enqueued(String entry, int limit) {
        return query("reading what the scheduler enqueued", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.enqueued)) {
                ps.setString(1, entry);
                ps.setString(2, entry);
                ps.setInt(3, limit);
                List<ScheduledJob> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ScheduledJob(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                                rs.getString(5), rs.getLong(6), Engine.instant(rs, 7), rs.getLong(8)));
                    }
                }
                return out;
            }
        });
    }

    private interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T query(String what, Query<T> q) {
        try (Connection c = engine.acquire()) {
            return q.run(c);
        } catch (SQLException e) {
            throw engine.translate(e, what);
        }
    }

    /** Settings of a {@link Scheduler}, checked at {@link #build()}. */
    public static final class Builder {
        private final Tasks tasks;
        private Schedule schedule;
        private Path file;
        private ZoneId zone = ZoneId.of("UTC");
        private SchedulerClock clock = SchedulerClock.database();

        private Builder(Tasks tasks) {
            this.tasks = Objects.requireNonNull(tasks, "tasks");
        }

        /** A schedule built in code (fixed for this process). */
        public Builder schedule(Schedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            this.file = null;
            return this;
        }

        /** A schedule file, read again whenever it changes (default: {@link Schedule#defaultLocation()}). */
        public Builder scheduleFile(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            this.schedule = null;
            return this;
        }

        /** The zone of entries whose cron names none (default UTC: set it to your business's zone). */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /** Where runs read the time (default: the database's {@code now()}); the seam for tests. */
        public Builder clock(SchedulerClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Validates the schedule against the tasks (every problem in one {@link ScheduleException})
         * and registers the scheduler's tasks on them.
         */
        public Scheduler build() {
            if (tasks.pq().schemaVersion() < 4) {
                throw new PQException("the scheduler needs schema version 4 of " + tasks.pq().schema() + "."
                        + tasks.pq().table() + " (it is at " + tasks.pq().schemaVersion() + "): run pq.migrate()");
            }
            return new Scheduler(this);
        }
    }
}
