package dev.pq.bench;

import dev.pq.PQ;
import dev.pq.Queue;
import dev.pq.tasks.Pruned;
import dev.pq.tasks.Retention;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Retention under load (issue 11, item 4): the same work with and without a prune of
 * {@link #keptRows()} kept (finished, 2 days old) rows running beside it, in another PQ as another
 * process would. The prune is pq's own ({@code Admin.prune} with the default retention: batches of
 * 1,000 rows, 10 ms apart), started just before the measured work and stopped when it ends.
 * <ul>
 *   <li>{@code prune.drain.*}: a worker (4 threads) drains {@link WorkerScenarios#drainJobs()}
 *       no-op jobs of the queue whose kept rows are being pruned; jobs/s.</li>
 *   <li>{@code prune.deep.*}: the poll latency of DeepScenarios (one put, one timed poll) on a table
 *       of 1,000,000 pending jobs (90% scheduled later) that also holds the kept rows; ms p50.</li>
 * </ul>
 * Run with {@code -Dbench.only=prune}. Each pruning repeat inserts the kept rows again first
 * (not timed).
 */
final class RetentionScenarios {
    private static final String DRAIN_TABLE = "retention";
    private static final String DEEP_TABLE = "retention_deep";

    private RetentionScenarios() {
    }

    static List<Scenario> all() {
        return List.of(drain(false), drain(true), deep(false), deep(true));
    }

    static int keptRows() {
        return BenchConfig.integer("keptRows", 1_000_000);
    }

    /** Tops the table up to {@link #keptRows()} kept finished rows of {@code queue}, then vacuums it. */
    private static void keep(BenchDb db, String table, String queue) throws Exception {
        String t = BenchDb.SCHEMA + "." + table;
        long missing = keptRows() - db.count("SELECT count(*) FROM " + t + " WHERE finished_at IS NOT NULL");
        if (missing > 0) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + t
                    + " (queue, task, data, enqueued_at, finished_at) SELECT ?, 'bench.noop', CAST('[]' AS jsonb), "
                    + "now() - interval '3 days', now() - interval '2 days' - g * interval '1 ms' "
                    + "FROM generate_series(1, ?) AS g")) {
                ps.setString(1, queue);
                ps.setLong(2, missing);
                ps.executeUpdate();
            }
        }
        db.execute("VACUUM ANALYZE " + t);
    }

    /** A prune running beside the measured work, on a PQ of its own. */
    private static final class Beside implements AutoCloseable {
        private final PQ pq;
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final Future<Pruned> result;
        private final long t0 = System.nanoTime();

        Beside(BenchDb db, String table) {
            pq = db.pq(2, table);
            Tasks tasks = Tasks.create(pq);
            result = thread.submit(() -> tasks.admin().prune(Retention.defaults()));
        }

        /** Stops the prune (between two batches) and says what it did while the work ran. */
        Map<String, Object> stop() throws Exception {
            boolean ranThrough = !result.isDone();
            result.cancel(true);
            thread.shutdown();
            thread.awaitTermination(60, TimeUnit.SECONDS);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("pruneRanThroughout", ranThrough);
            if (!ranThrough) {
                try {
                    Pruned p = result.get();
                    out.put("pruneDeleted", p.finished());
                    out.put("pruneSeconds", p.took().toMillis() / 1e3);
                    out.put("pruneRowsPerSec", Math.round(p.finished() / (p.took().toNanos() / 1e9)));
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the prune failed", e.getCause());
                }
            }
            return out;
        }

        @Override
        public void close() {
            thread.shutdownNow();
            pq.close();
        }
    }

    /** Kept rows deleted since {@code before} (counted outside the timed window). */
    private static long deletedSince(BenchDb db, String table, long before) throws Exception {
        return before - db.count("SELECT count(*) FROM " + BenchDb.SCHEMA + "." + table + " WHERE finished_at IS NOT NULL");
    }

    static Scenario drain(boolean pruning) {
        return new Scenario() {
            private PQ pq;
            private Tasks tasks;
            private final AtomicLong done = new AtomicLong();
            private boolean migrated;

            @Override
            public String id() {
                return "prune.drain." + (pruning ? "pruning" : "base");
            }

            @Override
            public String title() {
                return String.format("worker (4 thr) drains %,d jobs beside %,d kept rows, ", WorkerScenarios.drainJobs(),
                        keptRows()) + (pruning ? "pruned meanwhile" : "no prune");
            }

            @Override
            public String unit() {
                return "jobs/s";
            }

            @Override
            public int threads() {
                return 4;
            }

            @Override
            public void setUp(BenchDb db) throws Exception {
                pq = db.pq(8, DRAIN_TABLE);
                if (!migrated) {
                    pq.migrate();
                    migrated = true;
                }
                tasks = Tasks.create(pq);
                tasks.register(WorkerScenarios.Drain.class, done::incrementAndGet);
            }

            @Override
            public Run warmup(BenchDb db, BenchConfig config) throws Exception {
                return drain(db, Math.max(1_000, WorkerScenarios.drainJobs() / 5));
            }

            @Override
            public Run run(BenchDb db, BenchConfig config, Duration length) throws Exception {
                return drain(db, WorkerScenarios.drainJobs());
            }

            private Run drain(BenchDb db, int n) throws Exception {
                String t = BenchDb.SCHEMA + "." + DRAIN_TABLE;
                keep(db, DRAIN_TABLE, WorkerScenarios.DRAIN_QUEUE);
                try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + t
                        + " (queue, task, data) SELECT ?, 'bench.noop', CAST('[]' AS jsonb) FROM generate_series(1, ?)")) {
                    ps.setString(1, WorkerScenarios.DRAIN_QUEUE);
                    ps.setInt(2, n);
                    ps.executeUpdate();
                }
                db.execute("ANALYZE " + t);
                long kept = keptRows();
                done.set(0);
                // this worker's own pruner stays off: the prune measured is the one beside it
                Worker worker = Worker.builder(tasks).queues(WorkerScenarios.DRAIN_QUEUE).workerCount(4)
                        .retention(Retention.none()).build();
                Beside prune = pruning ? new Beside(db, DRAIN_TABLE) : null;
                long t0 = System.nanoTime();
                long end;
                Map<String, Object> extra = new LinkedHashMap<>();
                try {
                    worker.start();
                    long deadline = t0 + TimeUnit.SECONDS.toNanos(300);
                    // every job ran, then every completion is flushed (counted from the ready index)
                    while (done.get() < n || db.count("SELECT count(*) FROM " + t + " WHERE queue = '"
                            + WorkerScenarios.DRAIN_QUEUE + "' AND schedule_at IS NULL AND finished_at IS NULL "
                            + "AND failed_at IS NULL") > 0) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(id() + ": only " + done.get() + " of " + n + " ran in 300 s");
                        }
                        Thread.sleep(2);
                    }
                    end = System.nanoTime();
                    if (prune != null) {
                        extra.putAll(prune.stop());
                    }
                } finally {
                    worker.close();
                    if (prune != null) {
                        prune.close();
                    }
                }
                double seconds = (end - t0) / 1e9;
                extra.put("jobs", n);
                extra.put("keptDeleted", deletedSince(db, DRAIN_TABLE, kept));
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

    static Scenario deep(boolean pruning) {
        return new Scenario() {
            private PQ pq;
            private Queue<Object> queue;
            private boolean built;

            @Override
            public String id() {
                return "prune.deep." + (pruning ? "pruning" : "base");
            }

            @Override
            public String title() {
                return String.format("poll latency, 1M pending + %,d kept rows, ", keptRows())
                        + (pruning ? "pruned meanwhile" : "no prune");
            }

            @Override
            public String unit() {
                return "ms p50";
            }

            @Override
            public int threads() {
                return 1;
            }

            @Override
            public void setUp(BenchDb db) throws Exception {
                pq = db.pq(3, DEEP_TABLE);
                if (!built) {
                    pq.migrate();
                    String t = BenchDb.SCHEMA + "." + DEEP_TABLE;
                    if (db.count("SELECT count(*) FROM " + t + " WHERE finished_at IS NULL") == 0) {
                        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + t
                                + " (queue, data, schedule_at) SELECT ?, jsonb_build_object('user_id', g), "
                                + "CASE WHEN g % 10 = 0 THEN NULL ELSE now() + interval '1 day' + g * interval '50 ms' END "
                                + "FROM generate_series(1, ?) AS g")) {
                            ps.setString(1, DeepScenarios.QUEUE);
                            ps.setInt(2, DeepScenarios.deepRows());
                            ps.executeUpdate();
                        }
                    }
                    built = true;
                }
                keep(db, DEEP_TABLE, DeepScenarios.QUEUE);
                queue = pq.queue(DeepScenarios.QUEUE);
            }

            @Override
            public Run run(BenchDb db, BenchConfig config, Duration length) throws Exception {
                long kept = keptRows();
                long[] lat;
                Map<String, Object> more = new LinkedHashMap<>();
                Beside prune = pruning ? new Beside(db, DEEP_TABLE) : null;
                long t0 = System.nanoTime();
                double seconds;
                try {
                    lat = Latencies.putThenPoll(queue, t0 + length.toNanos(), id());
                    seconds = (System.nanoTime() - t0) / 1e9;
                    if (prune != null) {
                        more.putAll(prune.stop());
                    }
                } finally {
                    if (prune != null) {
                        prune.close();
                    }
                }
                more.put("keptDeleted", deletedSince(db, DEEP_TABLE, kept));
                return Latencies.run(lat, seconds, more);
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
