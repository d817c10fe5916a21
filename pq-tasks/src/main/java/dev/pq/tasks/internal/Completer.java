package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import dev.pq.internal.RetryDelay;
import dev.pq.internal.Service;
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
public final class Completer implements Service {
    private static final Logger log = LoggerFactory.getLogger(Completer.class);
    private static final int MAX_BATCH = 1_000;
    /**
     * How long the thread lets finished jobs gather after the first before it flushes them. One
     * worker thread finishing jobs one after another would otherwise get one DELETE (and one
     * commit) per job; a millisecond turns that into one per batch.
     */
    private static final long GATHER_NANOS = 1_000_000L;

    /** One finished job: its row version, what to do with it, and when to run it again for RETRY. */
    public record Done(long id, long version, Context.Outcome outcome, Instant retryAt) {
    }

    private static final Done STOP = new Done(-1, 0, null, null);

    private final Engine engine;
    private final TasksDb db;
    private final Consumer<List<Long>> release;
    private final Runnable rescheduled;
    private final LinkedBlockingQueue<Done> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile int inFlight;
    /** Completes on the submitting thread (a drain, which has no completer thread). */
    private final boolean inline;
    private final java.util.concurrent.atomic.AtomicLong lostRaces = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param release     releases the locks of completed jobs
     * @param rescheduled called after jobs were rescheduled (RETRY), so their due time is noticed
     */
    public Completer(TasksDb db, Consumer<List<Long>> release, Runnable rescheduled, String name) {
        this(db, release, rescheduled, name, false);
    }

    /** A completer that completes each job as it is handed over, on that thread (never started). */
    public static Completer inline(TasksDb db, Consumer<List<Long>> release) {
        return new Completer(db, release, () -> { }, "pq-drain-completer", true);
    }

    private Completer(TasksDb db, Consumer<List<Long>> release, Runnable rescheduled, String name, boolean inline) {
        this.inline = inline;
        this.engine = db.engine();
        this.db = db;
        this.release = release;
        this.rescheduled = rescheduled;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    @Override
    public void start() {
        thread.start();
    }

    /** Hands over a finished job. */
    public void submit(Done done) {
        if (inline) {
            flush(new ArrayList<>(List.of(done)));
            return;
        }
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
            } catch (RuntimeException | Error e) {
                // never let this thread die with jobs in hand: they would stay locked until exit
                log.error("completing {} jobs failed: releasing them (they will run again)", batch.size(), e);
                List<Long> ids = new ArrayList<>();
                batch.forEach(d -> ids.add(d.id()));
                ids.remove(Long.valueOf(-1));
                release.accept(ids);
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
        // In id order: two processes completing overlapping jobs (after one lost its locks) then
        // lock the rows in the same order and cannot deadlock.
        batch.sort(java.util.Comparator.comparingLong(Done::id));
        java.util.Map<Context.Outcome, List<Done>> byOutcome = new java.util.EnumMap<>(Context.Outcome.class);
        for (Done d : batch) {
            byOutcome.computeIfAbsent(d.outcome(), o -> new ArrayList<>()).add(d);
        }
        java.util.Set<Long> changed = new java.util.HashSet<>();
        for (RetryDelay delay = new RetryDelay(10, 1_000); ; ) {
            try (Connection c = engine.acquire()) {
                changed.clear();
                boolean tx = byOutcome.size() > 1; // all or nothing, so a retry finds no half-done batch
                if (tx) {
                    c.setAutoCommit(false);
                }
                for (java.util.Map.Entry<Context.Outcome, List<Done>> e : byOutcome.entrySet()) {
                    List<Long> ids = e.getValue().stream().map(Done::id).toList();
                    List<Long> versions = e.getValue().stream().map(Done::version).toList();
                    changed.addAll(switch (e.getKey()) {
                        case DESTROY -> db.byIds(c, db.sql().destroy, ids, versions);
                        case FINISH -> db.byIds(c, db.sql().finish, ids, versions);
                        case FAIL -> db.byIds(c, db.sql().markFailed, ids, versions);
                        case RETRY -> db.reschedule(c, ids, versions, e.getValue().stream().map(Done::retryAt).toList());
                    });
                }
                if (tx) {
                    c.commit();
                    c.setAutoCommit(true);
                }
                break;
            } catch (SQLException | RuntimeException | Error e) { // an Error: another thread exhausted the heap
                if (engine.isClosed()) {
                    log.warn("completing {} jobs failed and pq is closed: they will run again", batch.size());
                    break;
                }
                log.warn("completing {} jobs failed, retrying in {} ms: {}", batch.size(), delay.peek(), e.toString());
                if (!delay.sleep()) {
                    log.warn("interrupted: {} completed jobs were not recorded and will run again", batch.size());
                    break;
                }
            }
        }
        List<Long> done = new ArrayList<>(batch.size());
        int lost = 0;
        for (Done d : batch) {
            done.add(d.id());
            if (!changed.contains(d.id())) {
                lost++;
                log.debug("job {}: already completed or changed by another run (this worker's locks were lost)", d.id());
            }
        }
        if (lost > 0) {
            lostRaces.addAndGet(lost);
            log.warn("{} of {} completed jobs had already been completed or changed by another run "
                    + "(this worker's locks were lost with its connection): left as they were", lost, batch.size());
        }
        release.accept(done);
        if (byOutcome.containsKey(Context.Outcome.RETRY)) {
            rescheduled.run();
        }
    }

    /** Completions that found their row gone or changed by another run. */
    public long lostRaces() {
        return lostRaces.get();
    }

    /** Flushes what was handed over and stops. */
    @Override
    public void close() {
        if (!thread.isAlive()) {
            return;
        }
        queue.add(STOP);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
