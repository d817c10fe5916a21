package dev.pq.tasks.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pq.internal.Service;
import dev.pq.tasks.JobListener;
import dev.pq.tasks.WorkerHealth;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The services of one worker process, wired to each other: the buffer between the locker and the
 * worker threads, the completer, the runner, and the background services (heartbeat, watchdog,
 * pruner). {@link #services} is their start order; they stop in reverse.
 */
public final class WorkerParts {
    public final Buffer buffer;
    public final Pauses pauses;
    public final Locker locker;
    public final Completer completer;
    public final JobRunner runner;
    public final WorkerThreads threads;
    public final ScheduledExecutorService scheduler;
    public final Watchdog watchdog;
    public final Heartbeat heartbeat;
    public final Pruner pruner;
    public final List<Service> services;

    public WorkerParts(TasksDb db, Registry registry, ObjectMapper mapper, List<JobListener> listeners, Clock clock,
                       WorkerConfig cfg, QueueList queueList, Heartbeat.Identity identity, String tag) {
        Wakeup wakeup = new Wakeup(); // the buffer wakes the locker through it: neither holds the other
        this.buffer = new Buffer(wakeup, queueList.order());
        this.pauses = new Pauses(db);
        this.locker = new Locker(db, queueList, buffer, wakeup, pauses,
                new Pace(cfg.workerCount(), cfg.maximumBufferSize()),
                cfg.pollInterval().toNanos(), tag + "-locker", cfg.compiledLimits());
        this.completer = new Completer(db, locker::release, () -> wakeup.wake(true), tag + "-completer");
        Executor executor = new Executor(registry, mapper, cfg.middleware(), listeners,
                "the job was marked failed, not retried: fix the payload or the task's parameters, then retry it");
        StatsSeries series = new StatsSeries(cfg.statsMinutes(), cfg.statsHours());
        this.runner = new JobRunner(db, executor, completer, locker, new PickupCheck(db, buffer, locker), clock,
                listeners, cfg, series);
        this.threads = new WorkerThreads(buffer, runner, locker, cfg);
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, tag + "-heartbeat");
            t.setDaemon(true);
            return t;
        });
        this.watchdog = new Watchdog(runner, threads::replace, scheduler);
        this.heartbeat = new Heartbeat(db, mapper, identity, locker, runner, series, cfg, scheduler);
        this.pruner = new Pruner(db, cfg.retention(), tag + "-pruner");
        // cancels first: it listens on the control channel the locker's start opens
        this.services = List.of(new Cancels(db.engine().listener(), runner), completer, threads, locker, heartbeat,
                watchdog, pruner);
    }

    /** Nothing ready in its queues, nothing running, buffered or left to complete. */
    public boolean quiet() {
        return locker.drained() && runner.idle() && buffer.size() == 0 && completer.idle();
    }

    /** The worker's state as these parts know it. */
    public WorkerHealth health(String id, WorkerHealth.State state, boolean listening, int workerCount) {
        return new WorkerHealth(id, state, locker.backendPid() != null, listening, runner.running().size(),
                buffer.size(), workerCount, runner.processed(), runner.failed());
    }

    /** Waits until no job runs and no completion waits (with a pause: the running ones have finished). */
    public void awaitIdle() throws InterruptedException {
        while (!runner.idle() || !completer.idle()) {
            Thread.sleep(20);
        }
    }

    /** Waits until the queues have no ready job and nothing runs here; true if within {@code timeout}. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (System.nanoTime() - deadline < 0) {
            locker.wake(true);
            Thread.sleep(50);
            if (quiet()) {
                if (++quiet >= 3) {
                    return true;
                }
            } else {
                quiet = 0;
            }
        }
        return false;
    }
}
