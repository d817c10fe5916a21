package dev.pq.bench;

import dev.pq.PQ;
import dev.pq.Queue;
import dev.pq.internal.Internals;
import dev.pq.internal.Sql;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import dev.pq.tasks.internal.TasksSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 13 item 4, big tables: on the tables of {@link BigTables} (10M rows, 90% scheduled later
 * or 90% done history, and an empty one) the latency of one {@code queue.poll()} and of one
 * pq-tasks lock statement, and the rate of draining {@link #drainJobs()} ready jobs with a
 * {@code Worker} on its defaults and with {@code queue.get()} on 4 threads. Run with
 * {@code -Dbench.only=pq.big}; the target is every figure within 2x of the empty table's.
 */
final class BigScenarios {
    static final List<String> VARIANTS = List.of("empty", "future", "history");

    private BigScenarios() {
    }

    /** The task the worker drain runs. */
    public interface Big {
        @Task(name = BigTables.TASK, queue = BigTables.QUEUE)
        void noop();
    }

    static List<Scenario> all() {
        List<Scenario> out = new ArrayList<>();
        for (String kind : List.of("poll", "lock", "drain", "get")) {
            for (String v : VARIANTS) {
                out.add(new BigScenario(kind, v));
            }
        }
        return out;
    }

    static int drainJobs() {
        return BenchConfig.integer("bigDrainJobs", 50_000);
    }

    /** One figure on one variant's table. */
    static final class BigScenario implements Scenario {
        private static final java.util.Set<String> PREPARED = new java.util.HashSet<>();
        private final String kind;
        private final String variant;
        private PQ pq;
        private Map<String, String> plans;

        BigScenario(String kind, String variant) {
            this.kind = kind;
            this.variant = variant;
        }

        @Override
        public String id() {
            return "pq.big." + kind + "." + variant;
        }

        @Override
        public String title() {
            String on = "empty".equals(variant) ? "empty table" : String.format("%,d rows, 90%% %s", BigTables.rows(),
                    "future".equals(variant) ? "scheduled later" : "kept/failed history");
            return switch (kind) {
                case "poll" -> "queue.poll() latency, " + on;
                case "lock" -> "worker lock round latency, " + on;
                case "drain" -> String.format("Worker (defaults) drains %,d, %s", drainJobs(), on);
                default -> String.format("queue.get() x4 threads drains %,d, %s", drainJobs(), on);
            };
        }

        @Override
        public String unit() {
            return kind.equals("poll") || kind.equals("lock") ? "ms p50" : "jobs/s";
        }

        @Override
        public int threads() {
            return kind.equals("get") ? 4 : 1;
        }

        @Override
        public void setUp(BenchDb db) throws Exception {
            synchronized (PREPARED) {
                if (PREPARED.add(variant)) {
                    System.out.println();
                    System.out.println("big: " + BigTables.prepare(db, variant));
                }
            }
            pq = BigTables.pq(db, variant, 6);
            if (plans == null && kind.equals("poll")) {
                plans = BigTables.plans(db, pq);
                plans.forEach((name, plan) -> System.out.println("big: " + variant + " " + name + " plan: "
                        + BigTables.check(plan)));
            }
        }

        @Override
        public Run warmup(BenchDb db, BenchConfig config) throws Exception {
            return kind.equals("drain") || kind.equals("get") ? drain(db, Math.max(1_000, drainJobs() / 10))
                    : run(db, config, config.warmup());
        }

        @Override
        public Run run(BenchDb db, BenchConfig config, Duration length) throws Exception {
            Run run = switch (kind) {
                case "poll" -> poll(length);
                case "lock" -> lock(db, length);
                default -> drain(db, drainJobs());
            };
            if (plans != null) {
                Map<String, Object> extra = new LinkedHashMap<>(run.extra());
                plans.forEach((name, plan) -> {
                    extra.put(name + "Plan", plan);
                    extra.put(name + "Check", BigTables.check(plan));
                });
                run = new Run(run.value(), run.units(), run.seconds(), extra);
            }
            return run;
        }

        /** Puts one job (not timed), times one poll. */
        private Run poll(Duration length) {
            long t0 = System.nanoTime();
            long[] lat = Latencies.putThenPoll(pq.queue(BigTables.QUEUE), t0 + length.toNanos(), id());
            return Latencies.run(lat, (System.nanoTime() - t0) / 1e9, Map.of("variant", variant));
        }

        /**
         * With one ready job in the queue, times the worker's lock round (the lock statement and its
         * re-check, one round trip) taking it (then unlocks it), on a connection set up as the
         * worker's locker is (generic plans).
         */
        private Run lock(BenchDb db, Duration length) throws Exception {
            Sql sql = Internals.engine(pq).sql();
            String lock = new TasksSql(sql).lock;
            List<Long> lat = new ArrayList<>();
            long t0;
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("SET plan_cache_mode = force_generic_plan"); // as the worker's locker connection runs it
                st.execute("INSERT INTO " + sql.qualified + " (queue, task, data) VALUES ('" + BigTables.QUEUE + "', '"
                        + BigTables.TASK + "', CAST('[]' AS jsonb))");
                try (PreparedStatement ps = c.prepareStatement(lock)) {
                    BigTables.bindLock(c, ps, sql, 16, 1);
                    t0 = System.nanoTime();
                    long end = t0 + length.toNanos();
                    while (System.nanoTime() < end) {
                        long s = System.nanoTime();
                        ps.execute(); // the lock round as the locker sends it: lock, re-check, one round trip
                        try (ResultSet rs = ps.getResultSet()) {
                            if (!rs.next() || rs.getLong(1) == 0) {
                                throw new IllegalStateException(id() + ": the lock statement locked nothing");
                            }
                        }
                        ps.getMoreResults();
                        try (ResultSet rs = ps.getResultSet()) {
                            if (!rs.next()) {
                                throw new IllegalStateException(id() + ": the re-check found nothing");
                            }
                        }
                        lat.add(System.nanoTime() - s);
                        st.execute("SELECT pg_advisory_unlock_all()");
                    }
                } finally {
                    st.execute("DELETE FROM " + sql.qualified + " WHERE queue = '" + BigTables.QUEUE + "' AND "
                            + Sql.PENDING + " AND schedule_at IS NULL");
                }
            }
            return Latencies.run(lat.stream().mapToLong(Long::longValue).toArray(), (System.nanoTime() - t0) / 1e9,
                    Map.of("variant", variant));
        }

        /** Puts {@code n} ready jobs among the table's rows and vacuums (not timed), then drains them. */
        private Run drain(BenchDb db, int n) throws Exception {
            String t = BigTables.qualified(variant);
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + t
                    + " (queue, task, data) SELECT ?, ?, CAST('[]' AS jsonb) FROM generate_series(1, ?)")) {
                ps.setString(1, BigTables.QUEUE);
                ps.setString(2, BigTables.TASK);
                ps.setInt(3, n);
                ps.executeUpdate();
            }
            db.execute("VACUUM ANALYZE " + t);
            AtomicLong done = new AtomicLong();
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(600);
            if (kind.equals("drain")) {
                Tasks tasks = Tasks.create(pq);
                tasks.register(Big.class, done::incrementAndGet);
                try (Worker worker = Worker.builder(tasks).queues(BigTables.QUEUE).build()) {
                    worker.start();
                    while (done.get() < n) {
                        check(deadline, done, n);
                        Thread.sleep(1);
                    }
                    String left = "SELECT count(*) FROM " + t + " WHERE queue = '" + BigTables.QUEUE + "' AND "
                            + Sql.PENDING + " AND schedule_at IS NULL";
                    while (db.count(left) > 0) {
                        check(deadline, done, n);
                        Thread.sleep(2);
                    }
                }
            } else {
                Queue<Object> queue = pq.queue(BigTables.QUEUE);
                List<Thread> threads = new ArrayList<>();
                List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Thread th = new Thread(() -> {
                        try {
                            while (done.get() < n && System.nanoTime() < deadline) {
                                if (queue.get(Duration.ofMillis(100)).isPresent()) {
                                    done.incrementAndGet();
                                }
                            }
                        } catch (RuntimeException e) {
                            errors.add(e);
                        }
                    }, "pq-big-get-" + i);
                    th.start();
                    threads.add(th);
                }
                for (Thread th : threads) {
                    th.join();
                }
                if (!errors.isEmpty()) {
                    throw new IllegalStateException(id() + ": a getter failed: " + errors.get(0), errors.get(0));
                }
                check(deadline, done, n);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Run(n / seconds, n, seconds, Map.of("variant", variant, "jobs", n));
        }

        private void check(long deadline, AtomicLong done, int n) {
            if (System.nanoTime() > deadline && done.get() < n) {
                throw new IllegalStateException(id() + ": only " + done.get() + " of " + n + " ran in 600 s");
            }
        }

        @Override
        public void tearDown() {
            if (pq != null) {
                pq.close();
            }
        }
    }
}
