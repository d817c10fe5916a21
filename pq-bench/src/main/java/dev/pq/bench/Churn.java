package dev.pq.bench;

import dev.pq.PQ;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Churn: steady put + work at a fixed rate (half the measured maximum) for {@code bench.churn}
 * (10 minutes by default), two producer threads calling a task client at an even pace and one
 * worker (4 threads, defaults) working, while the table's and its indexes' sizes are sampled. The
 * table must not grow without bound: dead rows must be reclaimed as fast as they are made.
 */
final class Churn {
    static final String QUEUE = "churn";

    /** The task the churn runs. */
    public interface Work {
        @Task(name = "bench.churn", queue = QUEUE)
        void work(int i);
    }

    private Churn() {
    }

    static Duration duration() {
        return BenchConfig.seconds("churn", "600");
    }

    /** Runs the churn at {@code rate} jobs/s; returns the result as a one-repeat scenario run. */
    static Scenario.Run run(BenchDb db, double rate, Duration length, String basis) throws Exception {
        db.truncate();
        db.execute("VACUUM " + BenchDb.TABLE);
        AtomicLong done = new AtomicLong();
        AtomicLong put = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Map<String, Object>> samples = new ArrayList<>();
        long[] start = db.sizes(BenchDb.TABLE);
        // With the server's autovacuum off nothing reclaims the deleted rows: a delete-based queue
        // then grows without bound, and every dequeue walks more dead index entries. The harness
        // then stands in for autovacuum with a plain VACUUM of the table every bench.churnVacuum.
        boolean autovacuum = "on".equals(db.setting("autovacuum"));
        Duration vacuumEvery = BenchConfig.seconds("churnVacuum", autovacuum ? "0" : "10");
        AtomicLong vacuums = new AtomicLong();
        AtomicLong vacuumNanos = new AtomicLong();
        Thread vacuumer = null;
        try (PQ pq = db.pq(8)) {
            Tasks tasks = Tasks.create(pq);
            tasks.register(Work.class, i -> done.incrementAndGet());
            Work client = tasks.client(Work.class);
            Worker worker = Worker.builder(tasks).queues(QUEUE).workerCount(4).build().start();
            int producers = 2;
            long intervalNs = Math.round(producers * 1e9 / rate);
            long t0 = System.nanoTime();
            long end = t0 + length.toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                long offset = p * intervalNs / producers;
                Thread t = new Thread(() -> {
                    long next = t0 + offset;
                    try {
                        // Stops at the end by the clock, not by the schedule: a producer behind its
                        // schedule catches up within the window, never after it (when the harness no
                        // longer vacuums and the samples have stopped).
                        while (next < end && System.nanoTime() < end && failure.get() == null) {
                            long wait = next - System.nanoTime();
                            if (wait > 0) {
                                java.util.concurrent.locks.LockSupport.parkNanos(wait);
                                continue;
                            }
                            client.work((int) put.incrementAndGet());
                            next += intervalNs;
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "bench-churn-" + p);
                t.start();
                threads.add(t);
            }
            if (!vacuumEvery.isZero()) {
                vacuumer = new Thread(() -> {
                    try {
                        while (System.nanoTime() < end && failure.get() == null) {
                            Thread.sleep(vacuumEvery.toMillis());
                            long v0 = System.nanoTime();
                            db.execute("VACUUM " + BenchDb.TABLE);
                            vacuumNanos.addAndGet(System.nanoTime() - v0);
                            vacuums.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }, "bench-churn-vacuum");
                vacuumer.setDaemon(true);
                vacuumer.start();
            }
            long sampleEvery = Math.max(1_000_000_000L, length.toNanos() / 20);
            long nextSample = t0;
            long lastDone = 0;
            long lastAt = t0;
            while (System.nanoTime() < end && failure.get() == null) {
                if (System.nanoTime() >= nextSample) {
                    long now = System.nanoTime();
                    long d = done.get();
                    samples.add(sample(db, (now - t0) / 1e9, put.get(), d, (d - lastDone) / ((now - lastAt) / 1e9)));
                    lastDone = d;
                    lastAt = now;
                    nextSample += sampleEvery;
                }
                Thread.sleep(50);
            }
            for (Thread t : threads) {
                t.join();
            }
            if (vacuumer != null) {
                vacuumer.interrupt();
                vacuumer.join(60_000);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long processedInWindow = done.get();
            long puts = put.get();
            // let the backlog finish, then take the final sizes
            long drainDeadline = System.nanoTime() + 60_000_000_000L;
            while (done.get() < puts && System.nanoTime() < drainDeadline) {
                Thread.sleep(10);
            }
            worker.close();
            samples.add(sample(db, (System.nanoTime() - t0) / 1e9, puts, done.get(), Double.NaN));
            if (failure.get() != null) {
                throw new IllegalStateException("churn producer failed: " + failure.get(), failure.get());
            }
            long[] endSizes = db.sizes(BenchDb.TABLE);
            long maxTotal = samples.stream().mapToLong(s -> (Long) s.get("totalBytes")).max().orElse(0);
            long quarter = (Long) samples.get(Math.min(samples.size() - 1, samples.size() / 4)).get("totalBytes");
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("targetPerSec", Math.round(rate));
            extra.put("rateBasis", basis);
            extra.put("seconds", Math.round(seconds));
            extra.put("put", puts);
            extra.put("processedInWindow", processedInWindow);
            extra.put("backlogAtEnd", puts - processedInWindow);
            extra.put("startTableBytes", start[0]);
            extra.put("startIndexBytes", start[1]);
            extra.put("startTotalBytes", start[2]);
            extra.put("quarterTotalBytes", quarter);
            extra.put("maxTotalBytes", maxTotal);
            extra.put("endTableBytes", endSizes[0]);
            extra.put("endIndexBytes", endSizes[1]);
            extra.put("endTotalBytes", endSizes[2]);
            extra.put("bounded", endSizes[2] <= Math.max(2 * quarter, 8L << 20));
            extra.put("serverAutovacuum", autovacuum);
            extra.put("harnessVacuumEverySeconds", vacuumEvery.toSeconds());
            extra.put("harnessVacuums", vacuums.get());
            extra.put("harnessVacuumMsAvg", vacuums.get() == 0 ? 0 : Math.round(vacuumNanos.get() / 1e6 / vacuums.get()));
            extra.put("samples", samples);
            return new Scenario.Run(processedInWindow / seconds, processedInWindow, seconds, extra);
        }
    }

    private static Map<String, Object> sample(BenchDb db, double at, long put, long done, double rate) throws Exception {
        long[] s = db.sizes(BenchDb.TABLE);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", Math.round(at));
        m.put("put", put);
        m.put("done", done);
        m.put("perSec", Double.isNaN(rate) ? null : Math.round(rate));
        m.put("tableBytes", s[0]);
        m.put("indexBytes", s[1]);
        m.put("totalBytes", s[2]);
        m.put("deadRows", db.count("SELECT COALESCE(max(n_dead_tup), 0) FROM pg_stat_user_tables WHERE schemaname = '"
                + BenchDb.SCHEMA + "' AND relname = 'queue'"));
        m.put("autovacuums", db.count("SELECT COALESCE(max(autovacuum_count), 0) FROM pg_stat_user_tables WHERE schemaname = '"
                + BenchDb.SCHEMA + "' AND relname = 'queue'"));
        return m;
    }
}
