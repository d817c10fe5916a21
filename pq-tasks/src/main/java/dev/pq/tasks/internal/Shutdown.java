package dev.pq.tasks.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's graceful stop, in order: no new locks; buffered jobs released at once (and other
 * workers told); running jobs get the wait period, then are interrupted, and after the watchdog's
 * grace abandoned (their transactions aborted, their jobs returned); then the threads, the
 * completer (its last batch), the heartbeat (last counters, out of the registry) and the locker
 * (every lock released) stop.
 */
public record Shutdown(Watchdog watchdog, Locker locker, Buffer buffer, WorkerThreads threads, JobRunner runner,
                       Completer completer, Heartbeat heartbeat, ScheduledExecutorService scheduler) {
    private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

    /** Stops worker {@code id}, giving running jobs {@code waitPeriod}. */
    public void run(String id, Duration waitPeriod) {
        log.info("worker {} stopping: {} jobs running", id, runner.running().size());
        watchdog.close();
        locker.stopLocking();
        List<LockedJob> waiting = buffer.close();
        if (!waiting.isEmpty()) {
            locker.giveBack(waiting);
            log.info("worker {}: {} buffered jobs released for other workers", id, waiting.size());
        }
        threads.join(System.nanoTime() + waitPeriod.toNanos());
        if (!runner.idle()) {
            log.warn("worker {}: {} jobs still running after the wait period: interrupting them", id,
                    runner.running().size());
            runner.interruptForShutdown();
            threads.join(System.nanoTime() + Watchdog.ABANDON_GRACE.toNanos());
            runner.abandonForShutdown();
        }
        threads.close();
        completer.close();
        heartbeat.close();
        scheduler.shutdownNow();
        locker.close();
    }

    /** This machine's name, for the registry. */
    public static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
