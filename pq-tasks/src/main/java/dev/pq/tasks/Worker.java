package dev.pq.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pq.internal.Engine;
import dev.pq.tasks.internal.Buffer;
import dev.pq.tasks.internal.Completer;
import dev.pq.tasks.internal.Context;
import dev.pq.tasks.internal.Executor;
import dev.pq.tasks.internal.LockedJob;
import dev.pq.tasks.internal.Locker;
import dev.pq.tasks.internal.QueueList;
import dev.pq.tasks.internal.TaskDef;
import dev.pq.tasks.internal.TasksDb;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Que-style worker process: one locker connection takes jobs with session advisory locks and
 * feeds a buffer; worker threads run them on pool connections. {@link #close()} (or SIGTERM /
 * SIGINT with {@link Builder#handleSignals(boolean)}) stops locking, lets running jobs finish
 * within the wait period, then interrupts them and releases every lock. A process killed with
 * {@code kill -9} loses its locker connection, and with it every lock: its jobs are available to
 * other workers at once.
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
    private static final int ANY = Short.MAX_VALUE;
    private static final Duration ABANDON_GRACE = Duration.ofSeconds(5);

    private final Tasks tasks;
    private final Engine engine;
    private final TasksDb db;
    private final Builder cfg;
    private final QueueList queueList;
    private final Executor executor;
    private final Buffer buffer;
    private final Locker locker;
    private final Completer completer;
    private final String id;
    private final String host;
    private final long pid = ProcessHandle.current().pid();
    private final Map<Long, Execution> running = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object done = new Object();
    private long flushedProcessed;
    private long flushedFailed;
    private Thread hook;

    /** One job on one thread. */
    private static final class Execution {
        final LockedJob job;
        final Thread thread;
        final Instant since;
        final long deadline;
        final Context ctx;
        final AtomicBoolean settled = new AtomicBoolean();
        volatile boolean interrupted;
        int threshold;

        Execution(LockedJob job, Thread thread, Instant since, long deadline, Context ctx) {
            this.job = job;
            this.thread = thread;
            this.since = since;
            this.deadline = deadline;
            this.ctx = ctx;
        }
    }

    private Worker(Builder b) {
        this.tasks = b.tasks;
        this.engine = b.tasks.pq().engine();
        this.db = b.tasks.db();
        this.cfg = b;
        this.queueList = new QueueList(b.queues);
        this.executor = new Executor(tasks.registry(), tasks.mapper(), b.middleware, tasks.listeners());
        this.host = hostName();
        this.id = host + ":" + pid + ":" + UUID.randomUUID().toString().substring(0, 8);
        String tag = "pq-worker-" + id.substring(id.length() - 8);
        this.buffer = new Buffer(this::capacityChanged);
        this.locker = new Locker(db, queueList, buffer, b.maximumBufferSize, b.pollInterval.toNanos(), tag + "-locker");
        this.completer = new Completer(db, this::released, tag + "-completer");
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, tag + "-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    private void capacityChanged() {
        Locker l = locker;
        if (l != null) {
            l.wake(false);
        }
    }

    private void released(List<Long> ids) {
        locker.release(ids);
    }

    /** This worker's registry id ({@code host:pid:suffix}). */
    public String id() {
        return id;
    }

    /** Starts the locker, the worker threads and the heartbeat; returns this worker. */
    public Worker start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("worker " + id + " was already started");
        }
        engine.checkOpen();
        try {
            locker.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.pq.PQException("interrupted while starting worker " + id, e);
        }
        completer.start();
        for (int i = 0; i < cfg.workerCount; i++) {
            Integer p = i < cfg.workerPriorities.size() ? cfg.workerPriorities.get(i) : null;
            startThread(p == null ? ANY : p, i);
        }
        long hb = cfg.heartbeatInterval.toMillis();
        scheduler.scheduleWithFixedDelay(this::heartbeat, 0, hb, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::watchdog, 100, 100, TimeUnit.MILLISECONDS);
        if (cfg.handleSignals) {
            hook = new Thread(this::close, "pq-worker-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        log.info("worker started: id={} table={} queues={} workerCount={} workerPriorities={} pollInterval={} "
                        + "waitPeriod={} maximumBufferSize={} jobTimeout={} tasks={}", id, engine.sql().display, queueList,
                cfg.workerCount, cfg.workerPriorities, cfg.pollInterval, cfg.waitPeriod, cfg.maximumBufferSize,
                cfg.jobTimeout, tasks.registry().names());
        return this;
    }

    private void startThread(int threshold, int index) {
        Thread t = new Thread(() -> work(threshold), "pq-worker-" + index + (threshold == ANY ? "" : "-p" + threshold));
        t.setDaemon(true);
        synchronized (threads) {
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
                if (closed.get()) {
                    return;
                }
                continue;
            }
            if (job == null) {
                return;
            }
            Thread.interrupted(); // a stale interrupt aimed at the previous job
            if (!execute(job, threshold)) {
                return; // abandoned by the watchdog: a new thread has taken this one's place
            }
        }
    }

    /** Runs one job; false if the job was abandoned and this thread must end. */
    private boolean execute(LockedJob job, int threshold) {
        Context ctx = new Context(job, engine, null);
        TaskDef def = executor.definition(job);
        Duration timeout = def != null && def.timeout() != null ? def.timeout() : cfg.jobTimeout;
        Execution ex = new Execution(job, Thread.currentThread(), Instant.now(), System.nanoTime() + timeout.toNanos(), ctx);
        ex.threshold = threshold;
        running.put(job.id(), ex);
        try {
            executor.run(ctx);
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
            failed(ex, t instanceof Executor.Permanent ? t.getCause() : t, t instanceof Executor.Permanent);
            return true;
        } finally {
            running.remove(job.id());
            synchronized (done) {
                done.notifyAll();
            }
        }
    }

    private void complete(Execution ex) {
        Context ctx = ex.ctx;
        LockedJob job = ex.job;
        Instant retryAt = ctx.outcome() == Context.Outcome.RETRY ? tasks.clock().instant().plus(ctx.retryDelay()) : null;
        Connection c = ctx.opened();
        if (c == null) {
            completer.submit(new Completer.Done(job.id(), ctx.outcome(), retryAt));
            processed.incrementAndGet();
            return;
        }
        try {
            List<Long> ids = List.of(job.id());
            switch (ctx.outcome()) {
                case DESTROY -> db.byIds(c, db.sql().destroy, ids);
                case FINISH -> db.byIds(c, db.sql().finish, ids);
                case EXPIRE -> db.byIds(c, db.sql().expire, ids);
                case RETRY -> db.reschedule(c, ids, List.of(retryAt));
            }
            c.commit();
            ctx.release();
            processed.incrementAndGet();
            locker.release(job.id());
        } catch (SQLException | RuntimeException e) {
            ctx.rollbackQuietly();
            failed(ex, e, false);
        }
    }

    private void failed(Execution ex, Throwable error, boolean permanent) {
        LockedJob job = ex.job;
        TaskDef def = executor.definition(job);
        int errors = job.errorCount() + 1;
        boolean retry = !permanent && def != null && errors <= def.maxRetries();
        Instant retryAt = retry ? tasks.clock().instant().plus(def.retryDelay(errors)) : null;
        processed.incrementAndGet();
        failed.incrementAndGet();
        log.warn("job failed: id={} queue={} task={} errorCount={} {}: {}", job.id(), job.queue(), job.task(), errors,
                retry ? "retry at " + retryAt : "marked failed", error.toString());
        try (Connection c = engine.acquire()) {
            db.fail(c, job.id(), error.getClass().getName() + ": " + error.getMessage(), stackTrace(error), retryAt, !retry);
        } catch (SQLException | RuntimeException e) {
            log.error("could not record the failure of job {} (it will run again): {}", job.id(), e.toString());
        }
        locker.release(job.id());
        for (JobListener l : tasks.listeners()) {
            try {
                l.onFailure(ex.ctx, error, retry);
            } catch (RuntimeException e) {
                log.warn("onFailure listener failed job={}", job.id(), e);
            }
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** Interrupts jobs past their timeout; abandons those that ignore the interrupt. */
    private void watchdog() {
        long now = System.nanoTime();
        for (Execution ex : running.values()) {
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
                running.remove(ex.job.id());
                ex.ctx.abort();
                failed(ex, new java.util.concurrent.TimeoutException("job ran past its timeout and ignored the interrupt"),
                        false);
                if (!closed.get()) {
                    startThread(ex.threshold, threads.size());
                }
            }
        }
    }

    private void heartbeat() {
        try (Connection c = engine.acquire()) {
            long p = processed.get();
            long f = failed.get();
            ObjectMapper m = tasks.mapper();
            ArrayNode jobs = m.createArrayNode();
            for (Execution ex : running.values()) {
                ObjectNode j = jobs.addObject();
                j.put("id", ex.job.id());
                j.put("queue", ex.job.queue());
                j.put("task", ex.job.task());
                j.put("thread", ex.thread.getName());
                j.put("since", ex.since.toString());
            }
            try (PreparedStatement ps = c.prepareStatement(db.sql().heartbeat)) {
                ps.setString(1, id);
                ps.setString(2, host);
                ps.setLong(3, pid);
                ps.setObject(4, locker.backendPid());
                ps.setArray(5, c.createArrayOf("text", queueList.entries().toArray()));
                ps.setInt(6, cfg.workerCount);
                ps.setString(7, m.writeValueAsString(jobs));
                ps.setLong(8, p);
                ps.setLong(9, f);
                ps.executeUpdate();
            }
            if (p != flushedProcessed || f != flushedFailed) {
                try (PreparedStatement ps = c.prepareStatement(db.sql().addStats)) {
                    ps.setLong(1, p - flushedProcessed);
                    ps.setLong(2, f - flushedFailed);
                    ps.executeUpdate();
                }
                flushedProcessed = p;
                flushedFailed = f;
            }
            try (PreparedStatement ps = c.prepareStatement(db.sql().pruneWorkers)) {
                ps.setLong(1, Admin.DEAD_AFTER.toMillis());
                int n = ps.executeUpdate();
                if (n > 0) {
                    log.info("pruned {} dead workers from the registry", n);
                }
            }
        } catch (Exception e) {
            if (!closed.get()) {
                log.warn("worker {} heartbeat failed: {}", id, e.toString());
            }
        }
    }

    /** Jobs this worker completed or failed so far. */
    public long processed() {
        return processed.get();
    }

    /** Jobs that failed in this worker so far. */
    public long failed() {
        return failed.get();
    }

    /**
     * Waits until the queues have no ready job and nothing is running here (Resque's
     * {@code INTERVAL=0}); true if that happened within {@code timeout}.
     */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (System.nanoTime() - deadline < 0) {
            locker.wake(true);
            Thread.sleep(50);
            if (locker.drained() && running.isEmpty() && buffer.size() == 0 && completer.idle()) {
                if (++quiet >= 3) {
                    return true;
                }
            } else {
                quiet = 0;
            }
        }
        return false;
    }

    /** Blocks until {@link #close()} has finished (from another thread or a signal). */
    public void awaitTermination() throws InterruptedException {
        synchronized (done) {
            while (!terminated) {
                done.wait();
            }
        }
    }

    private volatile boolean terminated;

    /**
     * Stops gracefully: no new jobs are locked, buffered jobs are released, running jobs get the
     * wait period to finish, then are interrupted (and after a grace of 5 s abandoned: their
     * transactions aborted); finally every lock is released and the worker leaves the registry.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.info("worker {} stopping: {} jobs running", id, running.size());
        locker.stopLocking();
        List<LockedJob> waiting = buffer.close();
        List<Long> back = new ArrayList<>();
        waiting.forEach(j -> back.add(j.id()));
        locker.release(back);
        long deadline = System.nanoTime() + cfg.waitPeriod.toNanos();
        joinAll(deadline);
        if (!running.isEmpty()) {
            log.warn("worker {}: {} jobs still running after the wait period: interrupting them", id, running.size());
            running.values().forEach(ex -> {
                ex.interrupted = true;
                ex.thread.interrupt();
            });
            joinAll(System.nanoTime() + ABANDON_GRACE.toNanos());
            for (Execution ex : running.values()) {
                if (ex.settled.compareAndSet(false, true)) {
                    log.error("worker {}: job {} did not stop: abandoning it (its lock is released, it will run again)",
                            id, ex.job.id());
                    ex.ctx.abort();
                }
            }
        }
        completer.close();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeat(); // last counters
        locker.close();
        try (Connection c = engine.acquire(); PreparedStatement ps = c.prepareStatement(db.sql().deregisterWorker)) {
            ps.setString(1, id);
            ps.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            log.debug("worker {} could not leave the registry: {}", id, e.toString());
        }
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down
            }
        }
        log.info("worker {} stopped: processed={} failed={}", id, processed.get(), failed.get());
        synchronized (done) {
            terminated = true;
            done.notifyAll();
        }
    }

    private void joinAll(long deadline) {
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

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
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
        private int maximumBufferSize = 8;
        private Duration jobTimeout = Duration.ofMinutes(30);
        private Duration heartbeatInterval = Duration.ofSeconds(5);
        private final List<Middleware> middleware = new ArrayList<>();
        private boolean handleSignals;

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

        /** The number of worker threads (default 6). */
        public Builder workerCount(int workerCount) {
            this.workerCount = workerCount;
            return this;
        }

        /**
         * Que's worker priorities: the first threads take only jobs at or above (numerically at or
         * below) these priorities; the remaining threads take any job. {@code null} means any.
         */
        public Builder workerPriorities(Integer... priorities) {
            this.workerPriorities = Arrays.asList(priorities);
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

        /** Jobs locked beyond the idle threads, ready for the next free thread (default 8). */
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

        /** Adds middleware around every job (the first added is the outermost). */
        public Builder middleware(Middleware middleware) {
            this.middleware.add(Objects.requireNonNull(middleware, "middleware"));
            return this;
        }

        /** Close the worker gracefully on SIGTERM/SIGINT (a JVM shutdown hook). Default false. */
        public Builder handleSignals(boolean handleSignals) {
            this.handleSignals = handleSignals;
            return this;
        }

        /** Validates the settings and creates the worker (not started). */
        public Worker build() {
            if (workerCount < 1 || workerCount > 1_000) {
                throw new IllegalArgumentException("workerCount must be between 1 and 1000: " + workerCount);
            }
            if (workerPriorities.size() > workerCount) {
                throw new IllegalArgumentException("workerPriorities has " + workerPriorities.size()
                        + " entries, more than workerCount " + workerCount);
            }
            check("pollInterval", pollInterval, Duration.ofMillis(10));
            check("waitPeriod", waitPeriod, Duration.ZERO);
            check("jobTimeout", jobTimeout, Duration.ofMillis(1));
            check("heartbeatInterval", heartbeatInterval, Duration.ofMillis(100));
            if (maximumBufferSize < 0 || maximumBufferSize > 10_000) {
                throw new IllegalArgumentException("maximumBufferSize must be between 0 and 10000: " + maximumBufferSize);
            }
            new QueueList(queues);
            return new Worker(this);
        }

        private static void check(String name, Duration d, Duration min) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException(name + " must be >= " + min.toMillis() + "ms: " + d);
            }
        }
    }
}
