package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes jobs whose handlers did not use their transaction, many per statement: a worker
 * thread hands over the job and moves on; this thread deletes (or marks) every job handed over
 * since its last flush in one statement per outcome, then has the locks released. A job is
 * unlocked only after its completion committed, so a crash in between re-runs it (at least once),
 * never loses it.
 */
public final class Completer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Completer.class);
    private static final int MAX_BATCH = 1_000;
    /**
     * How long the thread lets finished jobs gather after the first before it flushes them. One
     * worker thread finishing jobs one after another would otherwise get one DELETE (and one
     * commit) per job; a millisecond turns that into one per batch.
     */
    private static final long GATHER_NANOS = 1_000_000L;

    /** One finished job: what to do with it, and when to run it again for RETRY. */
    public record Done(long id, Context.Outcome outcome, Instant retryAt) {
    }

    private static final Done STOP = new Done(-1, null, null);

    private final Engine engine;
    private final TasksDb db;
    private final Consumer<List<Long>> release;
    private final Runnable rescheduled;
    private final LinkedBlockingQueue<Done> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile int inFlight;

    /**
     * @param release     releases the locks of completed jobs
     * @param rescheduled called after jobs were rescheduled (RETRY), so their due time is noticed
     */
    public Completer(TasksDb db, Consumer<List<Long>> release, Runnable rescheduled, String name) {
        this.engine = db.engine();
        this.db = db;
        this.release = release;
        this.rescheduled = rescheduled;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    public Completer start() {
        thread.start();
        return this;
    }

    /** Hands over a finished job. */
    public void submit(Done done) {
        queue.add(done);
    }

    /** True when nothing is waiting or being flushed. */
    public boolean idle() {
        return queue.isEmpty() && inFlight == 0;
    }

    private void run() {
        List<Done> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                Done first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                inFlight = 1;
                batch.add(first);
                if (first != STOP && queue.size() < MAX_BATCH - 1) {
                    java.util.concurrent.locks.LockSupport.parkNanos(GATHER_NANOS);
                }
                queue.drainTo(batch, MAX_BATCH - 1);
                stop = batch.remove(STOP);
                flush(batch);
            } catch (InterruptedException e) {
                stop = true;
            } finally {
                batch.clear();
                inFlight = 0;
            }
        }
        List<Done> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.remove(STOP);
        flush(rest);
    }

    private void flush(List<Done> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Long> destroy = new ArrayList<>();
        List<Long> finish = new ArrayList<>();
        List<Long> expire = new ArrayList<>();
        List<Long> retry = new ArrayList<>();
        List<Instant> retryAt = new ArrayList<>();
        for (Done d : batch) {
            switch (d.outcome()) {
                case DESTROY -> destroy.add(d.id());
                case FINISH -> finish.add(d.id());
                case EXPIRE -> expire.add(d.id());
                case RETRY -> {
                    retry.add(d.id());
                    retryAt.add(d.retryAt());
                }
            }
        }
        List<Long> done = new ArrayList<>(batch.size());
        for (long backoff = 10; ; backoff = Math.min(backoff * 2, 5_000)) {
            try (Connection c = engine.acquire()) {
                if (!destroy.isEmpty()) {
                    db.byIds(c, db.sql().destroy, destroy);
                }
                if (!finish.isEmpty()) {
                    db.byIds(c, db.sql().finish, finish);
                }
                if (!expire.isEmpty()) {
                    db.byIds(c, db.sql().expire, expire);
                }
                if (!retry.isEmpty()) {
                    db.reschedule(c, retry, retryAt);
                }
                break;
            } catch (SQLException | RuntimeException e) {
                if (engine.isClosed()) {
                    log.warn("completing {} jobs failed and pq is closed: they will run again", batch.size());
                    break;
                }
                log.warn("completing {} jobs failed, retrying in {} ms: {}", batch.size(), backoff, e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    log.warn("interrupted: {} completed jobs were not recorded and will run again", batch.size());
                    break;
                }
            }
        }
        for (Done d : batch) {
            done.add(d.id());
        }
        release.accept(done);
        if (!retry.isEmpty()) {
            rescheduled.run();
        }
    }

    /** Flushes what was handed over and stops. */
    @Override
    public void close() {
        queue.add(STOP);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
