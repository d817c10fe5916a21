package dev.pq.tasks.internal;

import dev.pq.internal.Service;
import dev.pq.tasks.Pruned;
import dev.pq.tasks.Retention;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's retention: every {@link Retention#interval()} (the first run after at most 10 s) a
 * {@link Pruning} on a connection of its own, outside the pool, on a thread of its own (a long
 * prune delays neither the heartbeat nor a job). Of all the workers on a table, the one that takes
 * the pruning lock prunes; the others skip that run. A failed run (the database gone, a statement
 * refused) is logged and the next one runs as usual: retention never stops a worker.
 */
public final class Pruner implements Service {
    private static final Logger log = LoggerFactory.getLogger(Pruner.class);
    /** The longest wait before a worker's first prune. */
    private static final Duration FIRST_RUN = Duration.ofSeconds(10);
    /** How long close waits for a run to stop between two statements. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final TasksDb db;
    private final Retention retention;
    private final String threadName;
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private volatile ScheduledExecutorService executor;
    private volatile boolean closed;

    public Pruner(TasksDb db, Retention retention, String threadName) {
        this.db = db;
        this.retention = retention;
        this.threadName = threadName;
    }

    /** Schedules the runs, unless the retention keeps everything (then no thread is started). */
    @Override
    public void start() {
        if (retention.keepsEverything() || closed) {
            return;
        }
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        long first = Math.min(retention.interval().toMillis(), FIRST_RUN.toMillis());
        ex.scheduleWithFixedDelay(this::run, first, retention.interval().toMillis(), TimeUnit.MILLISECONDS);
        executor = ex;
    }

    /** One scheduled run; never throws (a scheduled task that throws is never run again). */
    void run() {
        if (closed) {
            return;
        }
        attempts.incrementAndGet();
        try (Connection c = db.engine().dedicated()) {
            Pruned p = Pruning.run(db, c, retention, () -> closed || Thread.currentThread().isInterrupted());
            if (!p.ran()) {
                log.debug("prune of {} skipped: another session is pruning it", db.engine().sql().display);
                return;
            }
            runs.incrementAndGet();
            deleted.addAndGet(p.total());
            if (p.total() > 0) {
                log.info("pruned {}: finished={} failed={} cancelled={} claims={} in {} ms", db.engine().sql().display,
                        p.finished(), p.failed(), p.cancelled(), p.claims(), p.took().toMillis());
            }
        } catch (Exception | Error e) {
            failures.incrementAndGet();
            if (!closed) {
                log.warn("prune of {} failed (the next runs in {}): {}", db.engine().sql().display,
                        retention.interval(), e.toString());
            }
        }
    }

    /** Runs started (whether they pruned, skipped or failed). */
    public long attempts() {
        return attempts.get();
    }

    /** Runs that held the pruning lock and completed. */
    public long runs() {
        return runs.get();
    }

    /** Runs that failed. */
    public long failures() {
        return failures.get();
    }

    /** Rows deleted by this pruner so far. */
    public long deleted() {
        return deleted.get();
    }

    /** Stops scheduling; a run in progress stops after its current statement (waited for up to 10 s). */
    @Override
    public void close() {
        closed = true;
        ScheduledExecutorService ex = executor;
        if (ex == null) {
            return;
        }
        ex.shutdown();
        try {
            if (!ex.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                ex.shutdownNow();
                log.warn("prune of {} did not stop within {}", db.engine().sql().display, STOP_WAIT);
            }
        } catch (InterruptedException e) {
            ex.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
