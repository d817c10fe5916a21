package dev.pq.tasks.internal;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** One run of one job on one worker thread, as the watchdog, the heartbeat and shutdown see it. */
public final class Execution {
    final LockedJob job;
    /** The job's task as registered here, or null if unknown. */
    final TaskDef def;
    final Thread thread;
    final Instant since;
    /** When the watchdog interrupts it: its timeout, or now once it is cancelled. */
    volatile long deadline;
    final Context ctx;
    final int threshold;
    /** Set by whoever decides the run's fate first: its own thread, the watchdog, or shutdown. */
    final AtomicBoolean settled = new AtomicBoolean();
    volatile boolean interrupted;
    /** Interrupted by shutdown, not by its timeout. */
    volatile boolean stopping;
    /** Cancelled (Admin.cancel): its row is already marked cancelled; it is interrupted and, if it ignores that, abandoned. */
    volatile boolean cancelled;

    Execution(LockedJob job, TaskDef def, Thread thread, Instant since, long deadline, Context ctx, int threshold) {
        this.job = job;
        this.def = def;
        this.thread = thread;
        this.since = since;
        this.deadline = deadline;
        this.ctx = ctx;
        this.threshold = threshold;
    }

    public LockedJob job() {
        return job;
    }

    public Thread thread() {
        return thread;
    }

    public Instant since() {
        return since;
    }

    /** Shutdown interrupts the run: it goes back to the queue without an error if it stops. */
    public void stopForShutdown() {
        stopping = true;
        interrupted = true;
        thread.interrupt();
    }

    /**
     * Cancels the run: its thread is interrupted now; if it ignores that, the watchdog abandons it
     * after its grace, as for a timeout. Whatever it does, its completion cannot commit: the row
     * it started from was changed by the cancel.
     */
    public void cancel() {
        cancelled = true;
        deadline = System.nanoTime();
        interrupted = true;
        thread.interrupt();
    }

    /** Decides the run's fate here; false if its thread (or the watchdog) already did. */
    public boolean settle() {
        return settled.compareAndSet(false, true);
    }

    /** Aborts the run's transaction from another thread (its writes roll back). */
    public void abortTransaction() {
        ctx.abort();
    }
}
