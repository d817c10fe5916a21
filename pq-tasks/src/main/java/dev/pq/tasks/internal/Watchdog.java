package dev.pq.tasks.internal;

import dev.pq.internal.Service;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interrupts jobs past their timeout, and abandons those that ignore the interrupt for
 * {@link #ABANDON_GRACE}: their transaction is aborted, they are failed, and a new thread takes
 * the place of the one they hold. Run every 100 ms by the worker's scheduler.
 */
public final class Watchdog implements Runnable, Service {
    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);
    /** How long a job may ignore its interrupt before it is abandoned. */
    public static final Duration ABANDON_GRACE = Duration.ofSeconds(5);

    private final JobRunner runner;
    private final IntConsumer replaceThread;
    private final ScheduledExecutorService scheduler;
    private volatile ScheduledFuture<?> schedule;
    private volatile boolean closed;

    /**
     * @param replaceThread starts a new worker thread with the given priority threshold
     * @param scheduler     runs the check every 100 ms
     */
    public Watchdog(JobRunner runner, IntConsumer replaceThread, ScheduledExecutorService scheduler) {
        this.runner = runner;
        this.replaceThread = replaceThread;
        this.scheduler = scheduler;
    }

    @Override
    public void start() {
        schedule = scheduler.scheduleWithFixedDelay(this, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** No more checks, no more replacement threads (the worker is stopping). */
    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> s = schedule;
        if (s != null) {
            s.cancel(false);
        }
    }

    @Override
    public void run() {
        try {
            check();
        } catch (RuntimeException | Error e) { // a scheduled task that throws is never run again
            log.error("watchdog check failed (it runs again in 100 ms)", e);
        }
    }

    private void check() {
        long now = System.nanoTime();
        for (Execution ex : runner.running()) {
            if (now - ex.deadline < 0 || ex.settled.get()) {
                continue;
            }
            if (!ex.interrupted) {
                ex.interrupted = true;
                log.warn("job {} ({}) ran past its timeout: interrupting {}", ex.job.id(), ex.job.task(), ex.thread.getName());
                ex.thread.interrupt();
            } else if (now - ex.deadline - ABANDON_GRACE.toNanos() >= 0 && ex.settled.compareAndSet(false, true)) {
                log.error("job {} ({}) ignored its interrupt: abandoning thread {} and starting another",
                        ex.job.id(), ex.job.task(), ex.thread.getName());
                runner.abandon(ex, ex.cancelled ? new CancellationException("job was cancelled and ignored the interrupt")
                        : new TimeoutException("job ran past its timeout and ignored the interrupt"));
                if (!closed) {
                    replaceThread.accept(ex.threshold);
                }
            }
        }
    }
}
