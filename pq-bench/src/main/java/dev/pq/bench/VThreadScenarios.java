package dev.pq.bench;

import dev.pq.PQ;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 12's virtual threads: one worker drains 1,000 I/O-bound jobs (each sleeps 50 ms, a slow
 * API call's shape) with platform threads (the default 6, and 200) and with virtual threads
 * (1,000; Java 21+). Runs when asked for: {@code -Dbench.only=pq.vthreads}.
 */
final class VThreadScenarios {
    static final int JOBS = 1_000;
    static final int SLEEP_MS = 50;

    private VThreadScenarios() {
    }

    static List<Scenario> all() {
        return List.of(drain(6, false), drain(200, false), drain(1_000, true));
    }

    static Scenario drain(int threads, boolean virtual) {
        return new Scenario() {
            private PQ pq;
            private Tasks tasks;
            private final AtomicLong done = new AtomicLong();

            @Override
            public String id() {
                return "pq.vthreads." + (virtual ? "virtual" : "platform") + ".t" + threads;
            }

            @Override
            public String title() {
                return String.format("worker drains %,d jobs sleeping %d ms, %d %s threads", JOBS, SLEEP_MS, threads,
                        virtual ? "virtual" : "platform");
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
                pq = db.pq(10); // the jobs take no connection: completions are batched by the completer
                tasks = Tasks.create(pq);
                tasks.register(WorkerScenarios.Drain.class, () -> {
                    done.incrementAndGet();
                    try {
                        Thread.sleep(SLEEP_MS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }

            @Override
            public Run warmup(BenchDb db, BenchConfig config) throws Exception {
                return drain(db, 200);
            }

            @Override
            public Run run(BenchDb db, BenchConfig config, Duration length) throws Exception {
                return drain(db, JOBS);
            }

            private Run drain(BenchDb db, int n) throws Exception {
                WorkerScenarios.fill(db, n);
                done.set(0);
                Worker worker = Worker.builder(tasks).queues(WorkerScenarios.DRAIN_QUEUE).workerCount(threads)
                        .virtualThreads(virtual).build();
                long t0 = System.nanoTime();
                long end;
                try {
                    worker.start();
                    long deadline = t0 + TimeUnit.SECONDS.toNanos(300);
                    while (done.get() < n || db.count("SELECT count(*) FROM " + BenchDb.TABLE) > 0) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(id() + ": only " + done.get() + " of " + n + " ran in 300 s");
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
                extra.put("drainMs", Math.round(seconds * 1e3));
                extra.put("virtualThreads", virtual);
                extra.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
                return new Run(n / seconds, n, seconds, extra);
            }

            @Override
            public void tearDown() {
                if (pq != null) {
                    pq.close();
                }
            }
        };
    }
}
