package dev.pq.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pq.internal.Engine;
import dev.pq.tasks.internal.JobReader;
import dev.pq.tasks.internal.Pauses;
import dev.pq.tasks.internal.Pruning;
import dev.pq.tasks.internal.SeriesReader;
import dev.pq.tasks.internal.TasksDb;
import dev.pq.tasks.internal.TasksSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Inspection and repair: job stats, jobs being worked, live workers, processed/failed counters,
 * and the failed jobs (list, retry, delete). Get one from {@link Tasks#admin()}.
 *
 * <pre>{@code
 * Admin admin = tasks.admin();
 * admin.jobStats();                 // per queue and task
 * admin.failed("billing", 20, 0);   // the first 20 failed jobs of a queue
 * admin.retryFailed(1234L);         // one
 * admin.retryAllFailed(null);       // all queues
 * admin.counters();                 // processed and failed totals
 * admin.pause("billing");           // no worker starts its jobs until admin.resume("billing")
 * admin.cancel(1234L, "duplicate"); // a waiting job will not run; a running one is interrupted
 * }</pre>
 */
public final class Admin {
    /** A worker whose heartbeat is older than this is considered dead. */
    static final Duration DEAD_AFTER = Duration.ofSeconds(30);

    private final TasksDb db;
    private final TasksSql sql;
    private final Engine engine;
    private final ObjectMapper mapper;

    Admin(TasksDb db, ObjectMapper mapper) {
        this.db = db;
        this.sql = db.sql();
        this.engine = db.engine();
        this.mapper = mapper;
    }

    /** Processed and failed totals. */
    public record Counters(long processed, long failed) {
    }

    /** Pending jobs per queue and task, with how many are being worked. */
    public List<JobStats> jobStats() {
        return query("reading job stats", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.jobStats)) {
                ps.setLong(1, Integer.toUnsignedLong(engine.sql().lockClass));
                List<JobStats> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new JobStats(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                                rs.getLong(5), rs.getInt(6), Engine.instant(rs, 7)));
                    }
                }
                return out;
            }
        });
    }

    /** Live workers (dead ones are left out, and pruned by the live ones' heartbeats). */
    public List<WorkerInfo> workers() {
        return query("listing workers", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.workers)) {
                ps.setLong(1, DEAD_AFTER.toMillis());
                List<WorkerInfo> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString(1);
                        String host = rs.getString(2);
                        long pid = rs.getLong(3);
                        List<JobState> jobs = new ArrayList<>();
                        for (JsonNode j : mapper.readTree(rs.getString(8))) {
                            jobs.add(new JobState(j.get("id").asLong(), j.get("queue").asText(), j.get("task").asText(),
                                    id, host, pid, j.get("thread").asText(), Instant.parse(j.get("since").asText())));
                        }
                        out.add(new WorkerInfo(id, host, pid, Arrays.asList((String[]) rs.getArray(4).getArray()),
                                rs.getInt(5), Engine.instant(rs, 6), Engine.instant(rs, 7), jobs, rs.getLong(9),
                                rs.getLong(10)));
                    }
                }
                return out;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("unreadable worker registry row: " + e.getMessage(), e);
            }
        });
    }

    /** The jobs being worked now, by which worker and thread, since when (as of their last heartbeat). */
    public List<JobState> jobStates() {
        List<JobState> out = new ArrayList<>();
        for (WorkerInfo w : workers()) {
            out.addAll(w.jobs());
        }
        return out;
    }

    /** Every queue with jobs or a pause, by name: ready, scheduled, locked, failed, cancelled, paused. */
    public List<QueueSummary> queues() {
        return query("reading queue counts", c -> JobReader.queues(db, c));
    }

    /** Ready jobs of a queue (null: every queue) in dequeue order, locked ones included. */
    public List<JobInfo> ready(String queue, int limit, int offset) {
        return query("listing ready jobs", c -> JobReader.pending(db, c, false, queue, limit, offset));
    }

    /** Jobs scheduled for later, of a queue (null: every queue), soonest first. */
    public List<JobInfo> scheduled(String queue, int limit, int offset) {
        return query("listing scheduled jobs", c -> JobReader.pending(db, c, true, queue, limit, offset));
    }

    /** One job in any state, if the table holds it. */
    public Optional<JobInfo> job(long id) {
        return query("reading job " + id, c -> JobReader.byId(db, c, id));
    }

    /** Processed and failed totals, as of the workers' last heartbeats. */
    public Counters counters() {
        return query("reading counters", c -> {
            Map<String, Long> m = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql.stats); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    m.put(rs.getString(1), rs.getLong(2));
                }
            }
            return new Counters(m.getOrDefault("processed", 0L), m.getOrDefault("failed", 0L));
        });
    }

    /** Failed jobs of a queue (null: all queues), oldest failure first. */
    public List<FailedJob> failed(String queue, int limit, int offset) {
        return ended(false, queue, null, limit, offset);
    }

    /** Failed jobs of a queue and task (either null: every one), oldest failure first. */
    public List<FailedJob> failed(String queue, String task, int limit, int offset) {
        return ended(false, queue, task, limit, offset);
    }

    /**
     * Cancelled jobs of a queue (null: all queues), oldest first: each a {@link FailedJob} whose
     * {@code lastErrorMessage} is the reason given and {@code failedAt} when it was cancelled.
     * {@link #retryFailed(long)} and {@link #deleteFailed(long)} take their ids too.
     */
    public List<FailedJob> cancelled(String queue, int limit, int offset) {
        return ended(true, queue, null, limit, offset);
    }

    /** Cancelled jobs of a queue and task (either null: every one), oldest first. */
    public List<FailedJob> cancelled(String queue, String task, int limit, int offset) {
        return ended(true, queue, task, limit, offset);
    }

    private List<FailedJob> ended(boolean cancelled, String queue, String task, int limit, int offset) {
        if (limit < 0 || offset < 0) {
            throw new IllegalArgumentException("limit and offset must be >= 0: " + limit + ", " + offset);
        }
        return query(cancelled ? "listing cancelled jobs" : "listing failed jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.failedJobs)) {
                ps.setBoolean(1, cancelled);
                filter(ps, 2, queue, task);
                ps.setInt(6, limit);
                ps.setInt(7, offset);
                List<FailedJob> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new FailedJob(rs.getLong(1), rs.getString(2), rs.getString(4), rs.getInt(3),
                                TasksDb.text(rs.getString(5), rs.getBytes(6)), rs.getInt(7), rs.getString(13),
                                rs.getString(14), Engine.instant(rs, 8), Engine.instant(rs, 15)));
                    }
                }
                return out;
            }
        });
    }

    /** What {@link #cancel(long, String)} did. */
    public enum Cancel {
        /** The job was waiting (ready or scheduled): it is cancelled, it will not run. */
        WAITING,
        /** The job was running: it is cancelled, and its worker was told to interrupt it; nothing of the run commits. */
        RUNNING,
        /** No pending job has this id: it finished, failed, was cancelled or deleted, or never existed. */
        NOT_PENDING
    }

    /**
     * Cancels a job (Resque's "kill the job, keep the worker"). A waiting job is cancelled at once.
     * A running one is marked cancelled too, and the worker running it interrupts its thread (told
     * through NOTIFY) and keeps working; if the job ignores the interrupt it is abandoned after 5 s,
     * as on a timeout. Its completion can never commit (its row changed), so writes it made through
     * {@code job.connection()} roll back. Cancelled jobs are kept: {@link #cancelled}, and
     * {@link #retryFailed(long)} runs one again. The scheduler's own job cannot be cancelled.
     *
     * @param reason kept as the job's last error message (null: "cancelled")
     */
    public Cancel cancel(long id, String reason) {
        String why = reason == null || reason.isBlank() ? "cancelled" : "cancelled: " + reason.strip();
        return query("cancelling job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.cancel)) {
                ps.setString(1, why.length() > 4000 ? why.substring(0, 4000) : why);
                ps.setLong(2, id);
                ps.setLong(3, Integer.toUnsignedLong(engine.sql().lockClass));
                ps.setString(4, engine.sql().control);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Cancel.NOT_PENDING;
                    }
                    return rs.getBoolean(2) ? Cancel.RUNNING : Cancel.WAITING;
                }
            }
        });
    }

    /** Makes one failed (or cancelled) job ready again, with its error count reset; false if it is neither. */
    public boolean retryFailed(long id) {
        return query("retrying failed job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.retryFailed)) {
                ps.setLong(1, id);
                ps.setString(2, engine.sql().channel);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) == 1;
                }
            }
        });
    }

    /** Makes every failed job of a queue (null: all queues) ready again; returns how many. */
    public long retryAllFailed(String queue) {
        return retryAllFailed(queue, null);
    }

    /** Makes every failed job of a queue and task (either null: every one) ready again; returns how many. */
    public long retryAllFailed(String queue, String task) {
        return query("retrying failed jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.retryAllFailed)) {
                filter(ps, 1, queue, task);
                ps.setString(5, engine.sql().channel);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Deletes one failed (or cancelled) job; false if it is neither. */
    public boolean deleteFailed(long id) {
        return query("deleting failed job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.deleteFailed)) {
                ps.setLong(1, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Deletes every failed job of a queue (null: all queues); returns how many. */
    public long deleteAllFailed(String queue) {
        return deleteAll(false, queue, null);
    }

    /** Deletes every failed job of a queue and task (either null: every one); returns how many. */
    public long deleteAllFailed(String queue, String task) {
        return deleteAll(false, queue, task);
    }

    /** Deletes every cancelled job of a queue (null: all queues); returns how many. */
    public long deleteAllCancelled(String queue) {
        return deleteAll(true, queue, null);
    }

    /** Deletes every cancelled job of a queue and task (either null: every one); returns how many. */
    public long deleteAllCancelled(String queue, String task) {
        return deleteAll(true, queue, task);
    }

    private long deleteAll(boolean cancelled, String queue, String task) {
        return query(cancelled ? "deleting cancelled jobs" : "deleting failed jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.deleteAllFailed)) {
                ps.setBoolean(1, cancelled);
                filter(ps, 2, queue, task);
                return (long) ps.executeUpdate();
            }
        });
    }

    /**
     * Pauses queues for every worker (Resque's pause), {@code *} for every queue: their jobs stay
     * put and can still be enqueued, running jobs finish, jobs waiting in a worker's buffer are
     * released. Kept in the database (it outlives worker restarts) and told to every worker at
     * once; a worker that missed it sees it at its next poll. Returns how many were not paused yet.
     */
    public int pause(String... queues) {
        String[] names = Pauses.queueNames("pause", queues);
        return query("pausing " + String.join(", ", names), c -> Pauses.change(db, c, sql.pause, names));
    }

    /**
     * Resumes paused queues; {@code *} resumes every queue (removing every pause, each queue's
     * too). Workers look for their jobs at once. Returns how many pauses were removed.
     */
    public int resume(String... queues) {
        String[] names = Pauses.queueNames("resume", queues);
        if (Arrays.asList(names).contains(PausedQueue.ALL)) {
            return query("resuming every queue", c -> Pauses.change(db, c, sql.resumeAll, null));
        }
        return query("resuming " + String.join(", ", names), c -> Pauses.change(db, c, sql.resume, names));
    }

    /** The paused queues ({@code *}: every queue), by name. */
    public List<PausedQueue> paused() {
        return query("reading the paused queues", c -> Pauses.read(db, c));
    }

    /**
     * Stats over time: one bucket per minute or hour in {@code [from, to)} that had runs ending in
     * it, summed over {@code queue} and {@code task} (null: every one). Workers write them at their
     * heartbeat, so the newest bucket lags by up to a heartbeat interval.
     */
    public List<StatsBucket> stats(StatsBucket.Size size, Instant from, Instant to, String queue, String task) {
        Objects.requireNonNull(size, "size");
        checkRange(from, to);
        return query("reading the stats series", c -> SeriesReader.stats(db, c, size, from, to, queue, task));
    }

    /**
     * Each queue's runs in {@code [from, to)}, summed over its tasks and over the range into one
     * bucket per queue (whose start is {@code from}): percentiles of the whole range, by queue name.
     */
    public List<StatsBucket> statsByQueue(StatsBucket.Size size, Instant from, Instant to) {
        Objects.requireNonNull(size, "size");
        checkRange(from, to);
        return query("reading the stats series", c -> SeriesReader.byQueue(db, c, size, from, to));
    }

    /** Queue depths sampled in {@code [from, to)}, a minute or an hour apart, per queue ({@code queue} null: every one). */
    public List<DepthSample> depth(StatsBucket.Size size, Instant from, Instant to, String queue) {
        Objects.requireNonNull(size, "size");
        checkRange(from, to);
        return query("reading the queue depths", c -> SeriesReader.depth(db, c, size, from, to, queue));
    }

    /**
     * Prunes kept jobs (and expired unique-period claims) once, now, as {@code retention} says, in its
     * batches; returns what went, or {@code ran() == false} if another process was pruning this table.
     */
    public Pruned prune(Retention retention) {
        return Pruning.once(db, Objects.requireNonNull(retention, "retention"));
    }

    private static void filter(PreparedStatement ps, int first, String queue, String task) throws SQLException {
        ps.setString(first, queue);
        ps.setString(first + 1, queue);
        ps.setString(first + 2, task);
        ps.setString(first + 3, task);
    }

    private static void checkRange(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to: " + from + ", " + to);
        }
    }

    private interface Work<R> {
        R apply(Connection c) throws SQLException;
    }

    private <R> R query(String what, Work<R> work) {
        try (Connection c = engine.acquire()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw engine.translate(e, what);
        }
    }
}
