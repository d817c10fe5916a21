package dev.pq.tasks.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pq.internal.Engine;
import dev.pq.internal.Service;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's row in the registry: refreshed with the jobs running now and the counters, the
 * counters added to the totals and the stats series, dead workers pruned; and removed when the
 * worker stops. Run every
 * heartbeat interval by the worker's scheduler, and once more at close.
 */
public final class Heartbeat implements Runnable, Service {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    /** Who this worker is, as the registry shows it. */
    public record Identity(String id, String host, long pid, List<String> queues, int workerCount) {
    }

    private final Engine engine;
    private final TasksDb db;
    private final ObjectMapper mapper;
    private final Identity me;
    private final Locker locker;
    private final JobRunner runner;
    private final Duration deadAfter;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private volatile ScheduledFuture<?> schedule;
    private long flushedProcessed;
    private long flushedFailed;
    private final StatsSeries series;
    private final long maintainNanos;
    // the first maintenance one interval after start: not every short-lived worker scans the table
    private long maintainedAt = System.nanoTime();
    private volatile boolean quiet;

    public Heartbeat(TasksDb db, ObjectMapper mapper, Identity me, Locker locker, JobRunner runner, StatsSeries series,
                     WorkerConfig config, ScheduledExecutorService scheduler) {
        this.series = series;
        this.maintainNanos = config.statsMaintenance().toNanos();
        this.engine = db.engine();
        this.db = db;
        this.mapper = mapper;
        this.me = me;
        this.locker = locker;
        this.runner = runner;
        this.deadAfter = config.deadAfter();
        this.interval = config.heartbeatInterval();
        this.scheduler = scheduler;
    }

    /** Registers the worker at once, then beats every heartbeat interval. */
    @Override
    public void start() {
        schedule = scheduler.scheduleWithFixedDelay(this, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void run() {
        try (Connection c = engine.acquire()) {
            long p = runner.processed();
            long f = runner.failed();
            ArrayNode jobs = mapper.createArrayNode();
            for (Execution ex : runner.running()) {
                ObjectNode j = jobs.addObject();
                j.put("id", ex.job().id());
                j.put("queue", ex.job().queue());
                j.put("task", ex.job().task());
                j.put("thread", ex.thread().getName());
                j.put("since", ex.since().toString());
            }
            try (PreparedStatement ps = c.prepareStatement(db.sql().heartbeat)) {
                ps.setString(1, me.id());
                ps.setString(2, me.host());
                ps.setLong(3, me.pid());
                ps.setObject(4, locker.backendPid());
                ps.setArray(5, c.createArrayOf("text", me.queues().toArray()));
                ps.setInt(6, me.workerCount());
                ps.setString(7, mapper.writeValueAsString(jobs));
                ps.setLong(8, p);
                ps.setLong(9, f);
                ps.executeUpdate();
            }
            if (p != flushedProcessed || f != flushedFailed) {
                try (PreparedStatement ps = c.prepareStatement(db.sql().addStats)) {
                    ps.setLong(1, p - flushedProcessed);
                    ps.setLong(2, f - flushedFailed);
                    ps.executeUpdate();
                }
                flushedProcessed = p;
                flushedFailed = f;
            }
            series.flush(db, c);
            if (System.nanoTime() - maintainedAt >= maintainNanos) {
                maintainedAt = System.nanoTime();
                series.maintain(db, c);
            }
            try (PreparedStatement ps = c.prepareStatement(db.sql().pruneWorkers)) {
                ps.setLong(1, deadAfter.toMillis());
                int n = ps.executeUpdate();
                if (n > 0) {
                    log.info("pruned {} dead workers from the registry", n);
                }
            }
        } catch (Exception | Error e) { // a scheduled task that throws is never run again
            if (!quiet) {
                log.warn("worker {} heartbeat failed: {}", me.id(), e.toString());
            }
        }
    }

    /** A last beat (the final counters), then the worker leaves the registry. */
    @Override
    public void close() {
        ScheduledFuture<?> s = schedule;
        if (s == null) {
            return;
        }
        s.cancel(false);
        schedule = null;
        quiet = true;
        run();
        try (Connection c = engine.acquire(); PreparedStatement ps = c.prepareStatement(db.sql().deregisterWorker)) {
            ps.setString(1, me.id());
            ps.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            log.debug("worker {} could not leave the registry: {}", me.id(), e.toString());
        }
    }
}
