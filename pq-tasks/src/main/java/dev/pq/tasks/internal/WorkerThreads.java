package dev.pq.tasks.internal;

import dev.pq.internal.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's threads: each takes the next job its priority threshold accepts from the buffer
 * and runs it, until the buffer closes. A thread abandoned by the watchdog ends when its handler
 * finally returns; its replacement is started here. The threads come from the settings' factory
 * ({@link JobThreads}: daemon platform threads, virtual threads, or the caller's); the worker
 * names them {@code pq-worker-N} unless the caller's factory made them.
 */
public final class WorkerThreads implements Service {
    private static final Logger log = LoggerFactory.getLogger(WorkerThreads.class);

    private final Buffer buffer;
    private final JobRunner runner;
    private final Locker locker;
    private final WorkerConfig config;
    private final List<Thread> threads = new ArrayList<>();
    private final ThreadFactory factory;
    private final boolean named;
    private volatile boolean closed;

    public WorkerThreads(Buffer buffer, JobRunner runner, Locker locker, WorkerConfig config) {
        this.buffer = buffer;
        this.runner = runner;
        this.locker = locker;
        this.config = config;
        this.factory = config.jobThreads();
        this.named = config.threadFactory() == null;
    }

    /**
     * Starts the configured threads and waits (up to 2 s) until they wait for jobs, so the
     * locker's first lock is sized by the real number of idle threads.
     */
    @Override
    public void start() {
        for (int i = 0; i < config.workerCount(); i++) {
            replace(config.threshold(i));
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (buffer.idle() < config.workerCount() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.pq.PQException("interrupted while starting the worker threads", e);
            }
        }
    }

    /** Starts a thread taking jobs of priority {@code threshold} or more important (or replacing an abandoned one). */
    public void replace(int threshold) {
        Thread t = factory.newThread(() -> work(threshold));
        if (t == null) {
            throw new dev.pq.PQException("the worker's threadFactory returned no thread");
        }
        synchronized (threads) { // no blocking call inside: a virtual thread (a replacement's caller) never pins here
            int index = threads.size();
            if (named) {
                t.setName("pq-worker-" + index + (threshold == WorkerConfig.ANY ? "" : "-p" + threshold));
            }
            threads.add(t);
        }
        t.start();
    }

    private void work(int threshold) {
        while (true) {
            LockedJob job;
            try {
                job = buffer.take(threshold);
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (job == null) {
                return;
            }
            Thread.interrupted(); // a stale interrupt aimed at the previous job
            try {
                if (!runner.run(job, threshold)) {
                    return; // abandoned by the watchdog: a new thread has taken this one's place
                }
            } catch (RuntimeException | Error e) {
                // settling the job failed (the heap exhausted while recording it, say): the thread
                // lives on, and the job's lock is released so it runs again
                log.error("worker thread {}: job {} could not be settled; it will run again",
                        Thread.currentThread().getName(), job.id(), e);
                locker.release(job.id());
            }
        }
    }

    /** The threads end once the buffer closes; {@link #join} waits for them. */
    @Override
    public void close() {
        closed = true;
    }

    /** Waits for every thread to end, until {@code deadline} ({@link System#nanoTime()}). */
    public void join(long deadline) {
        closed = true;
        List<Thread> copy;
        synchronized (threads) {
            copy = new ArrayList<>(threads);
        }
        for (Thread t : copy) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                t.join(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
