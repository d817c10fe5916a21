package dev.pq.tasks;

import dev.pq.internal.Engine;
import dev.pq.internal.Internals;
import dev.pq.internal.Service;
import dev.pq.tasks.internal.Heartbeat;
import dev.pq.tasks.internal.Pruner;
import dev.pq.tasks.internal.QueueList;
import dev.pq.tasks.internal.Shutdown;
import dev.pq.tasks.internal.TasksDb;
import dev.pq.tasks.internal.WorkerConfig;
import dev.pq.tasks.internal.WorkerParts;
import dev.pq.tasks.internal.WorkerStartLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Que-style worker process: one locker connection takes jobs with session advisory locks and
 * feeds a buffer; worker threads run them on pool connections. {@link #close()} (or SIGTERM /
 * SIGINT with {@link Builder#handleSignals(boolean)}) stops gracefully. A process killed with
 * {@code kill -9} loses its locker connection, and with it every lock: its jobs are free at once.
 *
 * <pre>{@code
 * try (Worker worker = Worker.builder(tasks)
 *         .queues("critical", "*", "!low")       // Resque's queue list
 *         .workerCount(8)
 *         .workerPriorities(10, 30, 50)         // Que's: the rest take any priority
 *         .build()
 *         .start()) {
 *     worker.awaitTermination();
 * }
 * }</pre>
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final Tasks tasks;
    private final Engine engine;
    private final WorkerConfig cfg;
    private final QueueList queueList;
    /** Its services, wired; they start in order and stop in reverse (shutdown adds its steps between). */
    private final WorkerParts parts;
    private final String id;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private Thread hook;

    private Worker(Tasks tasks, WorkerConfig cfg) {
        this.tasks = tasks;
        this.engine = Internals.engine(tasks.pq());
        TasksDb db = tasks.db();
        this.cfg = cfg;
        this.queueList = new QueueList(cfg.queues());
        String host = Shutdown.hostName();
        long pid = ProcessHandle.current().pid();
        this.id = host + ":" + pid + ":" + UUID.randomUUID().toString().substring(0, 8);
        String tag = "pq-worker-" + id.substring(id.length() - 8);
        this.parts = new WorkerParts(db, tasks.registry(), tasks.mapper(), tasks.listeners(), tasks.clock(), cfg,
                queueList, new Heartbeat.Identity(id, host, pid, queueList.entries(), cfg.workerCount()), tag);
    }

    /** This worker's registry id ({@code host:pid:suffix}). */
    public String id() {
        return id;
    }

    /** Starts the completer, worker threads, locker, heartbeat, watchdog and pruner; returns this worker. */
    public Worker start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("worker " + id + " was already started");
        }
        engine.checkOpen();
        List<Service> up = new ArrayList<>();
        try {
            for (Service s : parts.services) {
                s.start();
                up.add(s);
            }
        } catch (RuntimeException e) {
            parts.buffer.close();
            for (int i = up.size() - 1; i >= 0; i--) {
                up.get(i).close();
            }
            parts.scheduler.shutdownNow();
            throw e;
        }
        if (cfg.handleSignals()) {
            hook = new Thread(this::close, "pq-worker-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        WorkerStartLog.started(id, engine.sql().display, queueList, cfg, tasks.registry().names());
        return this;
    }

    /**
     * Stops this worker alone from starting jobs (Resque's {@code USR2}) until {@link #resume()}:
     * running jobs finish, buffered ones are released for other workers, it stays registered.
     * To pause queues for every worker, use {@link Admin#pause}.
     */
    public void pause() {
        parts.pauses.local(true);
        parts.locker.wake(true);
    }

    /** Lets this worker start jobs again after {@link #pause()} (Resque's {@code CONT}). */
    public void resume() {
        parts.pauses.local(false);
        parts.locker.wake(true);
    }

    /** True while this worker is paused by {@link #pause()}. */
    public boolean paused() {
        return parts.pauses.local();
    }

    /** Whether this worker knows {@code queue} is paused now (for tests: a signal, not a sleep). */
    boolean obeysPause(String queue) {
        return parts.pauses.paused(queue);
    }

    /** Jobs running in this worker now. */
    public int running() {
        return parts.runner.running().size();
    }

    /** Waits until no job runs in this worker (with {@link #pause()}: until the running ones have finished). */
    public void awaitIdle() throws InterruptedException {
        parts.awaitIdle();
    }

    /** Jobs this worker completed or failed so far. */
    public long processed() {
        return parts.runner.processed();
    }

    dev.pq.tasks.internal.Pruner pruner() { // for tests: runs and skips are signals, not sleeps
        return parts.pruner;
    }

    /** Jobs locked and waiting here for a free thread (for tests: a signal, not a sleep). */
    int buffered() {
        return parts.buffer.size();
    }

    /** Jobs that failed in this worker so far. */
    public long failed() {
        return parts.runner.failed();
    }

    /** Its state now, read from memory (no database round trip): for health checks. */
    public WorkerHealth health() {
        WorkerHealth.State s = closed.get() ? WorkerHealth.State.STOPPED
                : started.get() ? WorkerHealth.State.RUNNING : WorkerHealth.State.NEW;
        return parts.health(id, s, engine.listener().listening(), cfg.workerCount());
    }

    /**
     * Waits until the queues have no ready job and nothing is running here (Resque's
     * {@code INTERVAL=0}); true if that happened within {@code timeout}.
     */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        return parts.awaitDrained(timeout);
    }

    /** Blocks until {@link #close()} has finished (from another thread or a signal). */
    public void awaitTermination() throws InterruptedException {
        done.await();
    }

    /**
     * Stops gracefully: no new locks, buffered jobs released at once (other workers told), running
     * jobs get the wait period, then are interrupted (abandoned after 5 s more: their transactions
     * aborted); every lock is released and the worker leaves the registry.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        parts.pruner.close();
        new Shutdown(parts.watchdog, parts.locker, parts.buffer, parts.threads, parts.runner, parts.completer,
                parts.heartbeat, parts.scheduler).run(id, cfg.waitPeriod());
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down
            }
        }
        log.info("worker {} stopped: processed={} failed={}", id, parts.runner.processed(), parts.runner.failed());
        done.countDown();
    }

    /** A builder for a worker running {@code tasks}' registered tasks. */
    public static Builder builder(Tasks tasks) {
        return new Builder(tasks);
    }

    /**
     * Settings of a {@link Worker}, validated at {@link #build()}.
     *
     * <pre>{@code
     * Worker.builder(tasks).queues("*").workerCount(16).pollInterval(Duration.ofSeconds(5))
     *       .waitPeriod(Duration.ofSeconds(10)).maximumBufferSize(8).build();
     * }</pre>
     */
    public static final class Builder {
        private final Tasks tasks;
        private List<String> queues = List.of("*");
        private int workerCount = 6;
        private List<Integer> workerPriorities = List.of();
        private Duration pollInterval = Duration.ofSeconds(5);
        private Duration waitPeriod = Duration.ofSeconds(10);
        private Integer maximumBufferSize; // null: adaptive
        private Duration jobTimeout = Duration.ofMinutes(30);
        private Duration heartbeatInterval = Duration.ofSeconds(5);
        private int unknownTaskRetries = 15;
        private Duration statsMinutes = Duration.ofDays(1);
        private Duration statsHours = Duration.ofDays(30);
        private Duration statsMaintenance = Duration.ofMinutes(1);
        private final List<Middleware> middleware = new ArrayList<>();
        private boolean handleSignals;
        private boolean virtualThreads;
        private ThreadFactory threadFactory;
        private Retention retention = Retention.defaults();
        private final List<Limit> limits = new ArrayList<>();
        private final java.util.Map<String, Integer> maxRunning = new java.util.LinkedHashMap<>();

        private Builder(Tasks tasks) {
            this.tasks = Objects.requireNonNull(tasks, "tasks");
        }

        /** The queue list in priority order: names, {@code *}, globs, {@code !exclusions} (default {@code *}). */
        public Builder queues(String... queues) {
            return queues(Arrays.asList(queues));
        }

        /** The queue list in priority order. */
        public Builder queues(List<String> queues) {
            this.queues = List.copyOf(Objects.requireNonNull(queues, "queues"));
            return this;
        }

        /** The number of worker threads (default 6; at most 1,000, or 10,000 with virtual threads or a threadFactory). */
        public Builder workerCount(int workerCount) {
            this.workerCount = workerCount;
            return this;
        }

        /**
         * Que's worker priorities: the first threads take only jobs at or above (numerically at or
         * below) these priorities; the remaining threads take any job. {@code null} means any.
         */
        public Builder workerPriorities(Integer... priorities) {
            this.workerPriorities = new ArrayList<>(Arrays.asList(priorities)); // a copy: the caller keeps its array
            return this;
        }

        /** The poll interval, the fallback to LISTEN/NOTIFY (default 5 s). */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /** How long {@link Worker#close()} lets running jobs finish before interrupting them (default 10 s). */
        public Builder waitPeriod(Duration waitPeriod) {
            this.waitPeriod = waitPeriod;
            return this;
        }

        /**
         * Jobs locked beyond the idle threads, a fixed number when set (0: only for idle threads). By
         * default the buffer is adaptive, at most 100: what the threads are expected to start within a
         * few milliseconds, from measured run times — up to 100 for sub-millisecond jobs (one lock
         * statement feeds the threads a while), one at most for jobs of tens of ms, so other processes take the rest.
         */
        public Builder maximumBufferSize(int maximumBufferSize) {
            this.maximumBufferSize = maximumBufferSize;
            return this;
        }

        /**
         * The default per-job run-time limit (default 30 min; a task's {@code @Task(timeout)}
         * overrides it): the thread is interrupted, and if the job still has not returned 5 s later it
         * is abandoned (failed, its transaction aborted) and a new thread takes its place.
         */
        public Builder jobTimeout(Duration jobTimeout) {
            this.jobTimeout = jobTimeout;
            return this;
        }

        /** How often the worker refreshes its registry row and counters (default 5 s). */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
            return this;
        }

        /**
         * How often a job whose task no task registered here knows is retried, with Que's backoff
         * ({@code count^4 + 3} s), before it is marked failed (default 15, Que's maximum retry count):
         * during a rolling deploy an old worker must not fail the jobs only the new version knows.
         * 0 fails such a job at its first try.
         */
        public Builder unknownTaskRetries(int unknownTaskRetries) {
            this.unknownTaskRetries = unknownTaskRetries;
            return this;
        }

        /** Adds middleware around every job (the first added is the outermost). */
        public Builder middleware(Middleware middleware) {
            this.middleware.add(Objects.requireNonNull(middleware, "middleware"));
            return this;
        }

        /**
         * How long the stats series ({@link Admin#stats}) keeps its minute buckets and its hour
         * buckets (default 1 day and 30 days). Every worker prunes: the shortest setting wins.
         */
        public Builder statsRetention(Duration minuteBuckets, Duration hourBuckets) {
            this.statsMinutes = minuteBuckets;
            this.statsHours = hourBuckets;
            return this;
        }

        /** How often the worker prunes the stats and samples the depth (1 minute; tests shorten it). */
        Builder statsMaintenance(Duration interval) {
            this.statsMaintenance = interval;
            return this;
        }

        /**
         * How long kept jobs stay and how often this worker prunes (default {@link Retention#defaults()}:
         * finished 1 day, failed and cancelled 14 days, every minute). On by default so tables stay
         * bounded; {@link Retention#none()} keeps everything. One worker of the table prunes at a time.
         */
        public Builder retention(Retention retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /** Adds a concurrency or rate limit ({@link Limit}); every process serving its queues must add it too. */
        public Builder limit(Limit limit) {
            this.limits.add(Objects.requireNonNull(limit, "limit"));
            return this;
        }

        /** At most {@code max} jobs of {@code queue} taken by this process at once (buffered or running). */
        public Builder maxRunning(String queue, int max) {
            this.maxRunning.put(Objects.requireNonNull(queue, "queue"), max);
            return this;
        }

        /**
         * Runs jobs on virtual threads (default false): for I/O-bound jobs, with a {@link #workerCount}
         * in the hundreds or thousands. Needs Java 21 or newer: {@link #build()} fails on older JVMs.
         */
        public Builder virtualThreads(boolean virtualThreads) {
            this.virtualThreads = virtualThreads;
            return this;
        }

        /** Makes the job threads (default: daemon platform threads named {@code pq-worker-N}). */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /** Close the worker gracefully on SIGTERM/SIGINT (a JVM shutdown hook). Default false. */
        public Builder handleSignals(boolean handleSignals) {
            this.handleSignals = handleSignals;
            return this;
        }

        /**
         * Validates the settings and creates the worker (not started). The settings are copied:
         * changing this builder afterwards changes nothing in the worker built.
         */
        public Worker build() {
            limits.forEach(Limit::validate);
            if (maximumBufferSize != null && maximumBufferSize < 0) { // inside, -1 means adaptive
                throw new IllegalArgumentException("maximumBufferSize must be between 0 and 10000: " + maximumBufferSize);
            }
            int buffer = maximumBufferSize == null ? WorkerConfig.ADAPTIVE_BUFFER : maximumBufferSize;
            return new Worker(tasks, new WorkerConfig(queues, workerCount, workerPriorities, pollInterval, waitPeriod,
                    buffer, jobTimeout, heartbeatInterval, unknownTaskRetries, middleware, handleSignals,
                    Admin.DEAD_AFTER, statsMinutes, statsHours, statsMaintenance, retention, limits, maxRunning,
                    virtualThreads, threadFactory));
        }
    }
}
