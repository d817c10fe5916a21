package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import dev.pq.tasks.Backoff;
import dev.pq.tasks.JobListener;
import dev.pq.tasks.TaskNotFoundException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job on the calling worker thread and settles its outcome: completion in the job's own
 * transaction (or handed to the {@link Completer}), failure with retry or mark, or, when shutdown
 * interrupted it, back to the queue. Every write to the job's row requires the row version the run
 * started from: a run that lost a race with another run of the same job (possible only after this
 * worker lost its locks with its connection) changes nothing, and its own writes in the job's
 * transaction roll back with it.
 */
public final class JobRunner {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final Engine engine;
    private final TasksDb db;
    private final Enqueuer keys;
    private final Executor executor;
    private final Completer completer;
    private final JobLocks locker;
    private final PickupCheck pickup;
    private final Clock clock;
    private final Collection<JobListener> listeners;
    private final WorkerConfig settings;
    private final Map<Long, Execution> running = new ConcurrentHashMap<>();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong lostRaces = new AtomicLong();
    private final ConnectionLoss connectionLoss = new ConnectionLoss();
    private final StatsSeries series;

    public JobRunner(TasksDb db, Executor executor, Completer completer, JobLocks locker, PickupCheck pickup, Clock clock,
                     Collection<JobListener> listeners, WorkerConfig settings, StatsSeries series) {
        this.series = series;
        this.engine = db.engine();
        this.db = db;
        this.keys = new Enqueuer(db);
        this.executor = executor;
        this.completer = completer;
        this.locker = locker;
        this.pickup = pickup;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
        this.settings = settings;
    }

    /** The runs in progress, by job id. */
    public Collection<Execution> running() {
        return running.values();
    }

    public boolean idle() {
        return running.isEmpty();
    }

    public long processed() {
        return processed.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Runs that found their job already completed or changed by another run when they tried to settle it. */
    public long lostRaces() {
        return lostRaces.get() + completer.lostRaces();
    }

    /** Runs one job taken from the buffer; false if the run was abandoned and this thread must end. */
    public boolean run(LockedJob taken, int threshold) {
        LockedJob job = pickup.verify(taken);
        if (job != null && job.keyUntilStart()) {
            job = releaseKey(job);
        }
        if (job == null) {
            return true;
        }
        long began = System.nanoTime();
        try (JobMdc mdc = JobMdc.put(job)) {
            return execute(job, threshold);
        } finally {
            locker.ran(System.nanoTime() - began);
        }
    }

    private boolean execute(LockedJob job, int threshold) {
        Context ctx = new Context(job, engine, null);
        Registry.Registered task = executor.find(job);
        TaskDef def = task == null ? null : task.def();
        Duration timeout = def != null && def.timeout() != null ? def.timeout() : settings.jobTimeout();
        Execution ex = new Execution(job, def, Thread.currentThread(), Instant.now(),
                System.nanoTime() + timeout.toNanos(), ctx, threshold);
        running.put(job.id(), ex);
        try {
            if (locker.limited()) {
                long id = job.id();
                ctx.onStart(() -> locker.started(id)); // a rate counts the start from the handler's call
            }
            try {
                executor.run(ctx, task);
            } finally {
                if (locker.limited()) {
                    locker.ended(job.id()); // a concurrency slot goes as the handler ends, before the completion
                }
            }
            if (!ex.settled.compareAndSet(false, true)) {
                return false;
            }
            complete(ex);
            return true;
        } catch (Throwable t) {
            if (!ex.settled.compareAndSet(false, true)) {
                return false;
            }
            ctx.rollbackQuietly();
            if (ex.cancelled) {
                cancelled(ex);
                return true;
            }
            if (ex.stopping) {
                // Interrupted by shutdown: not the job's fault. Its writes were rolled back; it goes
                // back to the queue as it was and runs again (Que's behaviour), no error counted.
                log.info("job {} ({}) interrupted by shutdown: returned to the queue", job.id(), job.task());
                locker.giveBack(List.of(job));
                return true;
            }
            if (connectionLoss.forgive(job.id(), t)) {
                returnAfterConnectionLoss(job, t);
                return true;
            }
            failed(ex, t instanceof Executor.Permanent ? t.getCause() : t, t instanceof Executor.Permanent);
            return true;
        } finally {
            // only this run's entry: after abandonment the job may be running again on another thread
            running.remove(job.id(), ex);
        }
    }

    /** A job unique while it waits gives its key up as its run starts; null if its row changed meanwhile. */
    private LockedJob releaseKey(LockedJob job) {
        try {
            LockedJob started = keys.start(job);
            if (started == null) {
                log.info("job {} ({}) not run: it was changed or completed before its run", job.id(), job.task());
                locker.release(job.id());
            }
            return started;
        } catch (SQLException | RuntimeException e) {
            log.warn("job {} ({}) not run now: cannot release its unique key ({}); it is given back", job.id(), job.task(),
                    e.toString());
            locker.giveBack(List.of(job));
            return null;
        }
    }

    private void complete(Execution ex) {
        Context ctx = ex.ctx;
        LockedJob job = ex.job;
        Instant retryAt = ctx.outcome() == Context.Outcome.RETRY ? clock.instant().plus(ctx.retryDelay()) : null;
        Connection c = ctx.opened();
        if (c == null) {
            completer.submit(new Completer.Done(job.id(), job.version(), ctx.outcome(), retryAt));
            connectionLoss.settled(job.id());
            processed.incrementAndGet();
            series.record(job, ex.since, StatsSeries.Outcome.DONE);
            return;
        }
        try {
            List<Long> ids = List.of(job.id());
            List<Long> versions = List.of(job.version());
            Set<Long> changed = switch (ctx.outcome()) {
                case DESTROY -> db.byIds(c, db.sql().destroy, ids, versions);
                case FINISH -> db.byIds(c, db.sql().finish, ids, versions);
                case FAIL -> db.byIds(c, db.sql().markFailed, ids, versions);
                case RETRY -> db.reschedule(c, ids, versions, List.of(retryAt));
            };
            if (changed.isEmpty()) {
                ctx.rollbackQuietly();
                if (ex.cancelled) {
                    cancelled(ex);
                } else {
                    lostRace(job, "its writes in job.connection() were rolled back");
                }
                return;
            }
            c.commit();
            ctx.release();
            connectionLoss.settled(job.id());
            processed.incrementAndGet();
            series.record(job, ex.since, StatsSeries.Outcome.DONE);
            locker.release(job.id());
            if (ctx.outcome() == Context.Outcome.RETRY) {
                locker.wake(true);
            }
        } catch (SQLException | RuntimeException e) {
            ctx.rollbackQuietly();
            if (connectionLoss.forgive(job.id(), e)) {
                // the commit's outcome is unknown: if it happened the row is gone and the job will not run again
                returnAfterConnectionLoss(job, e);
                return;
            }
            failed(ex, e, false);
        }
    }

    private void returnAfterConnectionLoss(LockedJob job, Throwable t) {
        log.warn("job {} ({}) lost its database connection ({}): returned to the queue without an error counted",
                job.id(), job.task(), t.toString());
        locker.giveBack(List.of(job));
    }

    /** A run whose job was cancelled meanwhile ended: nothing of it commits; its lock is released. */
    private void cancelled(Execution ex) {
        LockedJob job = ex.job;
        series.record(job, ex.since, StatsSeries.Outcome.CANCELLED);
        locker.release(job.id());
        log.info("job {} ({}) was cancelled while it ran: its thread was interrupted, its writes in job.connection() "
                + "rolled back", job.id(), job.task());
        for (JobListener l : listeners) {
            try {
                l.onCancel(ex.ctx);
            } catch (RuntimeException e) {
                log.warn("onCancel listener failed job={}", job.id(), e);
            }
        }
    }

    /** Cancels the run of job {@code id} here, if it runs here; true if it did. */
    public boolean cancel(long id) {
        Execution ex = running.get(id);
        if (ex == null || ex.settled.get()) {
            return false;
        }
        ex.cancel();
        return true;
    }

    private void lostRace(LockedJob job, String consequence) {
        lostRaces.incrementAndGet();
        locker.release(job.id());
        log.warn("job {} ({}) lost a race: another run completed or changed it first (this worker lost its locks with "
                + "its connection); {}", job.id(), job.task(), consequence);
    }

    /** Records a failed run: retried with backoff, or marked failed once its retries are used up. */
    void failed(Execution ex, Throwable error, boolean permanent) {
        LockedJob job = ex.job;
        TaskDef def = ex.def;
        int errors = job.errorCount() + 1;
        boolean unknown = def == null && !permanent && error instanceof TaskNotFoundException;
        boolean retry;
        Instant retryAt = null;
        if (unknown) {
            // Perhaps a newer worker knows it (a rolling deploy): retry with Que's backoff.
            retry = errors <= settings.unknownTaskRetries();
            retryAt = retry ? clock.instant().plus(Backoff.QUE.delay(errors, Duration.ZERO)) : null;
        } else {
            Duration delay = permanent || def == null ? null : nextDelay(def, errors, error);
            retry = delay != null;
            retryAt = retry ? clock.instant().plus(delay) : null;
        }
        processed.incrementAndGet();
        failed.incrementAndGet();
        series.record(job, ex.since, StatsSeries.Outcome.FAILED);
        if (unknown) {
            JobEvents.unknownTask(job, errors, retryAt, error, executor.names(), settings.unknownTaskRetries());
        } else {
            JobEvents.failed(job, errors, retryAt, error);
        }
        boolean recorded = false;
        try (Connection c = engine.acquire()) {
            recorded = db.fail(c, job.id(), job.version(), error.getClass().getName() + ": " + error.getMessage(),
                    stackTrace(error), retryAt, !retry);
            if (!recorded) {
                lostRace(job, "its failure was not recorded");
                return;
            }
        } catch (SQLException | RuntimeException e) {
            log.error("could not record the failure of job {} (it will run again): {}", job.id(), e.toString());
        }
        locker.release(job.id());
        if (recorded && retry) {
            locker.wake(true);
        }
        for (JobListener l : listeners) {
            try {
                l.onFailure(ex.ctx, error, retry);
            } catch (RuntimeException e) {
                log.warn("onFailure listener failed job={}", job.id(), e);
            }
        }
    }

    private static Duration nextDelay(TaskDef def, int errors, Throwable error) {
        try {
            Duration d = def.retryPolicy().next(errors, error);
            return d == null || !d.isNegative() ? d : Duration.ZERO;
        } catch (RuntimeException e) {
            log.error("the retry policy of task {} failed; retrying in 30 s", def.name(), e);
            return Duration.ofSeconds(30);
        }
    }

    /** The watchdog gave up on a run that ignored its interrupt: its transaction is aborted and it is failed. */
    public void abandon(Execution ex, Throwable reason) {
        try (JobMdc mdc = JobMdc.put(ex.job)) { // on the watchdog's thread: its lines about the job carry the keys
            abandonRun(ex, reason);
        }
    }

    private void abandonRun(Execution ex, Throwable reason) {
        running.remove(ex.job.id(), ex);
        ex.ctx.abort();
        if (ex.cancelled) {
            cancelled(ex);
            return;
        }
        failed(ex, reason, false);
    }

    /** Shutdown's wait period is over: interrupts every running job (it goes back to the queue if it stops). */
    public void interruptForShutdown() {
        running.values().forEach(Execution::stopForShutdown);
    }

    /** Abandons the jobs that ignored shutdown's interrupt: their transactions abort, their jobs go back. */
    public void abandonForShutdown() {
        for (Execution ex : running.values()) {
            if (ex.settle()) {
                JobEvents.abandoned(ex.job);
                ex.abortTransaction();
                locker.giveBack(List.of(ex.job));
            }
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
