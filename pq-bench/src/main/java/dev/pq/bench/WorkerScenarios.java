package dev.pq.bench;

import dev.pq.PQ;
import dev.pq.Queue;
import dev.pq.tasks.Task;
import dev.pq.tasks.Limit;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * pq-tasks' worker: draining a pre-filled table, and the wake-up latency of an idle worker (and
 * of an idle {@code queue.get()}), all through the public API.
 */
final class WorkerScenarios {
    static final String DRAIN_QUEUE = "drain";
    static final String LATENCY_QUEUE = "latency";

    private WorkerScenarios() {
    }

    /** The no-op task the drain runs. */
    public interface Drain {
        @Task(name = "bench.noop", queue = DRAIN_QUEUE)
        void noop();
    }

    /** The task whose start the latency scenario times. */
    public interface Wake {
        @Task(name = "bench.wake", queue = LATENCY_QUEUE)
        void wake(int i);
    }

    static List<Scenario> all() {
        return List.of(drain(1, null), drain(4, null), drain(16, null), drain(1, 100), drain(4, 100), drain(16, 100),
                // issue 11's limits, set so they never bind: what their mechanism costs against pq.drain.t4
                drain(4, null, "conc4", Limit.queue(DRAIN_QUEUE).concurrency(4)),
                drain(4, null, "rate", Limit.rate("bench", 20_000, Duration.ofMillis(100)).queues(DRAIN_QUEUE)),
                // and with jobs that do 2 ms of I/O each (an API call's shape), where limits are used
                drain(4, null, "io2ms", null, 2), drain(4, null, "io2ms.conc4", Limit.queue(DRAIN_QUEUE).concurrency(4), 2),
                drain(4, null, "io2ms.rate", Limit.rate("bench", 20_000, Duration.ofMillis(100)).queues(DRAIN_QUEUE), 2),
                // pq-micrometer's PqMetrics as a listener, bound to a SimpleMeterRegistry: its cost against pq.drain.t4
                drain(4, null, "metrics", null), drain(16, null, "metrics", null),
                workerLatency(), getLatency());
    }

    /** Jobs per drain repeat (100,000 by default; the warm-up drains a fifth). */
    static int drainJobs() {
        return BenchConfig.integer("drainJobs", 100_000);
    }


    /**
     * Fills the table with {@code n} ready no-op jobs in one statement (the shape pq-tasks'
     * enqueue writes: queue, task name, JSON array of arguments), then vacuums it.
     */
    static void fill(BenchDb db, int n) throws Exception {
        db.truncate();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + BenchDb.TABLE
                + " (queue, task, data) SELECT ?, 'bench.noop', CAST('[]' AS jsonb) FROM generate_series(1, ?)")) {
            ps.setString(1, DRAIN_QUEUE);
            ps.setInt(2, n);
            ps.executeUpdate();
        }
        db.execute("VACUUM ANALYZE " + BenchDb.TABLE);
    }

    /**
     * One worker process ({@code Worker} with {@code threads} threads, its default settings, or
     * {@code maximumBufferSize(buffer)}: the same knob as graphile-worker's local queue size)
     * drains {@link #drainJobs()} pre-inserted no-op jobs; the time runs from {@code start()}
     * until every job ran and the table is empty (completions flushed).
     */
    static Scenario drain(int threads, Integer buffer) {
        return drain(threads, buffer, null, null);
    }

    /** A drain with {@code limit} configured ({@code tag} names it in the id: pq.drain.t4.conc4). */
    static Scenario drain(int threads, Integer buffer, String tag, Limit limit) {
        return drain(threads, buffer, tag, limit, 0);
    }

    /**
     * A drain whose jobs each wait {@code workMillis} (I/O, not CPU); those drain a twentieth of
     * {@link #drainJobs()}, as they take that much longer.
     */
    static Scenario drain(int threads, Integer buffer, String tag, Limit limit, int workMillis) {
        int jobs = workMillis == 0 ? drainJobs() : Math.max(1_000, drainJobs() / 20);
        return new Scenario() {
            private PQ pq;
            private Tasks tasks;
            private final AtomicLong done = new AtomicLong();
            private volatile long firstAt;
            private volatile long lastAt;
            private dev.pq.micrometer.PqMetrics metrics;

            @Override
            public String id() {
                return (buffer == null ? "pq.drain.t" + threads : "pq.drain.b" + buffer + ".t" + threads)
                        + (tag == null ? "" : "." + tag);
            }

            @Override
            public String title() {
                return String.format("pq worker drains %,d %s jobs", jobs, workMillis == 0 ? "no-op" : workMillis + " ms")
                        + (buffer == null ? ", defaults" : ", buffer " + buffer) + (limit == null ? "" : ", " + limit);
            }

            @Override
            public String unit() {
                return "jobs/s";
            }

            @Override
            public int threads() {
                return threads;
            }

            @Override
            public void setUp(BenchDb db) {
                pq = db.pq(threads + 4);
                if ("metrics".equals(tag)) {
                    metrics = dev.pq.micrometer.PqMetrics.builder(pq).build();
                    tasks = Tasks.builder(pq).listener(metrics).build();
                    metrics.bindTo(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
                } else {
                    tasks = Tasks.create(pq);
                }
                tasks.register(Drain.class, () -> {
                    long now = System.nanoTime();
                    if (done.getAndIncrement() == 0) {
                        firstAt = now;
                    }
                    lastAt = now;
                    if (workMillis > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(workMillis));
                    }
                });
            }

            @Override
            public Run warmup(BenchDb db, BenchConfig config) throws Exception {
                return drain(db, Math.max(workMillis == 0 ? 1_000 : 200, jobs / 5));
            }

            @Override
            public Run run(BenchDb db, BenchConfig config, Duration length) throws Exception {
                return drain(db, jobs);
            }

            private Run drain(BenchDb db, int n) throws Exception {
                fill(db, n);
                done.set(0);
                Worker.Builder b = Worker.builder(tasks).queues(DRAIN_QUEUE).workerCount(threads);
                if (buffer != null) {
                    b.maximumBufferSize(buffer);
                }
                if (limit != null) {
                    b.limit(limit);
                }
                Worker worker = b.build();
                long t0 = System.nanoTime();
                long end;
                try {
                    worker.start();
                    long deadline = t0 + TimeUnit.SECONDS.toNanos(300);
                    while (done.get() < n) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(id() + ": only " + done.get() + " of " + n + " ran in 300 s");
                        }
                        Thread.sleep(1);
                    }
                    while (db.count("SELECT count(*) FROM " + BenchDb.TABLE) > 0) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(id() + ": the table did not empty in 300 s");
                        }
                        Thread.sleep(2);
                    }
                    end = System.nanoTime();
                } finally {
                    worker.close();
                }
                double seconds = (end - t0) / 1e9;
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("jobs", n);
                extra.put("startupMs", Math.round((firstAt - t0) / 1e5) / 10.0);
                extra.put("steadyPerSec", Math.round((n - 1) / ((lastAt - firstAt) / 1e9)));
                extra.put("maximumBufferSize", buffer == null ? "default" : buffer);
                if (limit != null) {
                    extra.put("limit", limit.toString());
                }
                return new Run(n / seconds, n, seconds, extra);
            }

            @Override
            public void tearDown() {
                if (metrics != null) {
                    metrics.close();
                }
                if (pq != null) {
                    pq.close();
                }
            }
        };
    }

    static int latencyJobs() {
        return BenchConfig.integer("latencyJobs", 1_000);
    }

    static long latencyGapMillis() {
        return BenchConfig.integer("latencyGapMs", 5);
    }

    /**
     * Put to handler start on an idle worker (4 threads, defaults): one job at a time, each
     * enqueued by a task client after a short gap, so the worker is idle and waiting when it
     * arrives; the handler stamps its start.
     */
    static Scenario workerLatency() {
        return new LatencyScenario("pq.latency.worker", "put -> handler start, idle worker (4 thr)", 4) {
            private Tasks tasks;
            private Wake client;
            private Worker worker;

            @Override
            void start(PQ pq) {
                tasks = Tasks.create(pq);
                tasks.register(Wake.class, this::started);
                client = tasks.client(Wake.class);
                worker = Worker.builder(tasks).queues(LATENCY_QUEUE).workerCount(4).build().start();
            }

            @Override
            void send(int i) {
                client.wake(i);
            }

            @Override
            void stop() {
                if (worker != null) {
                    worker.close();
                }
            }
        };
    }

    /** Put to return of a {@code queue.get()} that was already waiting (pq-core's LISTEN/NOTIFY path). */
    static Scenario getLatency() {
        return new LatencyScenario("pq.latency.get", "put -> return of a waiting queue.get()", 1) {
            private Queue<Object> queue;
            private Thread getter;
            private volatile boolean running;

            @Override
            void start(PQ pq) {
                queue = pq.queue(LATENCY_QUEUE);
                running = true;
                getter = new Thread(() -> {
                    while (running) {
                        Optional<dev.pq.Job<Object>> job = queue.get(Duration.ofSeconds(1));
                        job.ifPresent(j -> started(((Number) j.data()).intValue()));
                    }
                }, "bench-getter");
                getter.setDaemon(true);
                getter.start();
            }

            @Override
            void send(int i) {
                queue.put(i);
            }

            @Override
            void stop() throws InterruptedException {
                running = false;
                if (getter != null) {
                    getter.join(3_000);
                }
            }
        };
    }

    /** Sequential puts with a gap; the consumer calls {@link #started(int)} as each job starts. */
    abstract static class LatencyScenario implements Scenario {
        private final String id;
        private final String title;
        private final int threads;
        private PQ pq;
        private long[] sentAt;
        private long[] startedAt;
        private final Semaphore arrived = new Semaphore(0);

        LatencyScenario(String id, String title, int threads) {
            this.id = id;
            this.title = title;
            this.threads = threads;
        }

        abstract void start(PQ pq) throws Exception;

        abstract void send(int i) throws Exception;

        abstract void stop() throws Exception;

        void started(int i) {
            long now = System.nanoTime();
            if (startedAt != null && i >= 0 && i < startedAt.length) {
                startedAt[i] = now;
                arrived.release();
            }
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String title() {
            return title;
        }

        @Override
        public String unit() {
            return "ms p50";
        }

        @Override
        public int threads() {
            return threads;
        }

        @Override
        public void setUp(BenchDb db) throws Exception {
            db.truncate();
            pq = db.pq(threads + 4);
            startedAt = null;
            start(pq);
            Thread.sleep(500); // connect, LISTEN, first poll: outside the measurement
        }

        @Override
        public Run warmup(BenchDb db, BenchConfig config) throws Exception {
            return measure(Math.max(50, latencyJobs() / 5));
        }

        @Override
        public Run run(BenchDb db, BenchConfig config, Duration length) throws Exception {
            return measure(latencyJobs());
        }

        private Run measure(int n) throws Exception {
            sentAt = new long[n];
            startedAt = new long[n];
            arrived.drainPermits();
            long gap = latencyGapMillis();
            long t0 = System.nanoTime();
            long[] lat = new long[n];
            long[] putNs = new long[n];
            for (int i = 0; i < n; i++) {
                sentAt[i] = System.nanoTime();
                send(i);
                putNs[i] = System.nanoTime() - sentAt[i];
                if (!arrived.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(id + ": job " + i + " did not start within 10 s");
                }
                lat[i] = startedAt[i] - sentAt[i];
                Thread.sleep(gap);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> more = new LinkedHashMap<>();
            more.put("gapMs", gap);
            long[] sorted = putNs.clone();
            java.util.Arrays.sort(sorted);
            more.put("putP50Ms", Latencies.round(Latencies.percentile(sorted, 50)));
            more.put("putP99Ms", Latencies.round(Latencies.percentile(sorted, 99)));
            long[] wake = new long[n]; // from the put's return (its commit) to the handler's start
            for (int i = 0; i < n; i++) {
                wake[i] = lat[i] - putNs[i];
            }
            java.util.Arrays.sort(wake);
            more.put("wakeP50Ms", Latencies.round(Latencies.percentile(wake, 50)));
            more.put("wakeP99Ms", Latencies.round(Latencies.percentile(wake, 99)));
            return Latencies.run(lat, seconds, more);
        }

        @Override
        public void tearDown() throws Exception {
            try {
                stop();
            } finally {
                if (pq != null) {
                    pq.close();
                }
            }
        }
    }
}
