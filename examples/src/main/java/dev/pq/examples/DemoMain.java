package dev.pq.examples;

import dev.pq.Job;
import dev.pq.PQ;
import dev.pq.Queue;
import dev.pq.Transaction;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A runnable tour of pq: enqueue a few thousand jobs (one by one, in batches, scheduled, with an
 * expected time), work them with a few threads in transactions that also write a result row, and
 * check that every job was done exactly once.
 *
 * <p>Uses the database at {@code PQ_DATABASE_URL} (a JDBC or {@code postgres://} URL) when set,
 * else starts an embedded PostgreSQL for the run. Exits 0 on success, 1 on failure.
 *
 * <pre>
 * mvn -q -pl examples -am package -DskipTests exec:java
 * </pre>
 */
public final class DemoMain {
    private static final int SINGLE_PUTS = 1_000;
    private static final int BATCHES = 3;
    private static final int BATCH_SIZE = 1_000;
    private static final int SCHEDULED = 20;
    private static final int EXPECTED = 20;
    private static final int TOTAL = SINGLE_PUTS + BATCHES * BATCH_SIZE + SCHEDULED + EXPECTED;
    private static final int READY = TOTAL - SCHEDULED;
    private static final int WORKERS = 4;
    private static final Duration DEADLINE = Duration.ofSeconds(25);

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean ok;
        String env = System.getenv("PQ_DATABASE_URL");
        if (env != null && !env.isBlank()) {
            System.out.println("database: PQ_DATABASE_URL");
            ok = run(env);
        } else {
            System.out.println("database: embedded PostgreSQL (set PQ_DATABASE_URL to use your own)");
            try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
                ok = run(pg.getJdbcUrl("postgres", "postgres"));
            }
        }
        System.out.println(ok ? "demo OK" : "demo FAILED");
        if (!ok) {
            System.exit(1);
        }
    }

    /** What the workers have done so far. */
    private static final class Progress {
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger readyDone = new AtomicInteger();
        final AtomicInteger early = new AtomicInteger();
        final AtomicLong firstAt = new AtomicLong();
        final AtomicLong readyAt = new AtomicLong();
        final long deadline = System.nanoTime() + DEADLINE.toNanos();

        boolean going() {
            return done.get() < TOTAL && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted();
        }
    }

    /** Runs the demo on one database; true if every job was done exactly once. */
    static boolean run(String url) throws Exception {
        // A queue of its own per run, so older jobs in a shared database cannot confuse the check.
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (PQ pq = PQ.builder().url(url).poolSize(WORKERS + 4).build()) {
            pq.migrate();
            Queue<Object> queue = pq.queue("demo " + run);
            createResultTable(queue);

            Progress p = new Progress();
            ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
            try {
                // Workers first: they wait in get() and LISTEN/NOTIFY wakes them as jobs arrive.
                List<Future<Integer>> workers = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    String worker = "worker-" + w;
                    workers.add(pool.submit(() -> work(queue, run, worker, p)));
                }
                long t0 = System.nanoTime();
                enqueue(queue);
                double putSeconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("enqueued %,d jobs in %.2f s while the workers ran: %,d by put, %,d in %d putAll "
                                + "batches, %d scheduled 1-2 s ahead, %d with an expected time%n", TOTAL, putSeconds,
                        SINGLE_PUTS, BATCHES * BATCH_SIZE, BATCHES, SCHEDULED, EXPECTED);

                int last = 0;
                long lastTick = System.nanoTime();
                while (p.done.get() < TOTAL && System.nanoTime() < p.deadline) {
                    Thread.sleep(500);
                    int now = p.done.get();
                    long tick = System.nanoTime();
                    System.out.printf("progress: %,5d / %,d done, %,5d left in the queue, %,6.0f jobs/s%n",
                            now, TOTAL, queue.size(), (now - last) / ((tick - lastTick) / 1e9));
                    last = now;
                    lastTick = tick;
                }
                for (int w = 0; w < workers.size(); w++) {
                    System.out.printf("  worker-%d did %,d jobs%n", w, workers.get(w).get());
                }
                double seconds = (p.readyAt.get() - p.firstAt.get()) / 1e9;
                System.out.printf("worked the %,d ready jobs with %d threads in %.2f s: %,.0f jobs/s "
                        + "(transactional get + result row + commit, one job per transaction)%n", READY, WORKERS,
                        seconds, seconds > 0 ? READY / seconds : 0.0);
                System.out.printf("the %d scheduled jobs ran once due (%d early)%n", SCHEDULED, p.early.get());
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
            boolean ok = check(queue, run) && p.early.get() == 0;
            deleteResults(queue, run);
            return ok;
        }
    }

    private static void enqueue(Queue<Object> queue) {
        int n = 0;
        // Scheduled jobs: ready 1-2 s from now (by the database's clock).
        for (int i = 0; i < SCHEDULED; i++) {
            queue.put(Map.of("n", n++, "kind", "scheduled"), Duration.ofMillis(1_000 + 50L * i));
        }
        for (int i = 0; i < SINGLE_PUTS / 2; i++) {
            queue.put(Map.of("n", n++, "kind", "put"));
        }
        // Jobs with an expected time go before every ready job without one.
        for (int i = 0; i < EXPECTED; i++) {
            queue.put(Map.of("n", n++, "kind", "expected"), (Instant) null, Instant.now().plusSeconds(60 + i));
        }
        // Many jobs in one statement: one round trip, one notification.
        for (int b = 0; b < BATCHES; b++) {
            List<Map<String, Object>> batch = new ArrayList<>(BATCH_SIZE);
            for (int i = 0; i < BATCH_SIZE; i++) {
                batch.add(Map.of("n", n++, "kind", "batch"));
            }
            queue.putAll(batch);
        }
        // Times can also be text: "0s" (ready now), "30s", "5m", "1h30m", "2d".
        for (int i = 0; i < SINGLE_PUTS - SINGLE_PUTS / 2; i++) {
            queue.put(Map.of("n", n++, "kind", "put"), "0s");
        }
    }

    /** One worker thread: take a job in a transaction, write its result row, commit both at once. */
    private static int work(Queue<Object> queue, String run, String worker, Progress p) throws SQLException {
        int mine = 0;
        while (p.going()) {
            try (Transaction<Object> tx = queue.transaction()) {
                Optional<Job<Object>> taken = tx.get(Duration.ofMillis(250));
                if (taken.isEmpty()) {
                    continue; // nothing ready yet (the scheduled jobs wait for their time): look again
                }
                Job<Object> job = taken.get();
                Map<?, ?> data = (Map<?, ?>) job.data();
                boolean scheduled = "scheduled".equals(data.get("kind"));
                if (scheduled && Instant.now().isBefore(job.scheduleAt())) {
                    p.early.incrementAndGet();
                }
                try (PreparedStatement ps = tx.connection().prepareStatement(
                        "INSERT INTO pq_demo_results (run, n, job_id, kind, worker) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, run);
                    ps.setInt(2, ((Number) data.get("n")).intValue());
                    ps.setLong(3, job.id());
                    ps.setString(4, (String) data.get("kind"));
                    ps.setString(5, worker);
                    ps.executeUpdate();
                }
                tx.commit(); // the job's removal and its result row are saved together
                long now = System.nanoTime();
                p.firstAt.compareAndSet(0, now);
                if (!scheduled && p.readyDone.incrementAndGet() == READY) {
                    p.readyAt.set(now);
                }
                p.done.incrementAndGet();
                mine++;
            }
        }
        return mine;
    }

    /** Runs the demo's own SQL on a connection from PQ's pool: a transaction scope's connection. */
    private static <R> R inTransaction(Queue<Object> queue, SqlWork<R> work) throws SQLException {
        try (Transaction<Object> tx = queue.transaction()) {
            R result = work.run(tx.connection());
            tx.commit();
            return result;
        }
    }

    private interface SqlWork<R> {
        R run(Connection c) throws SQLException;
    }

    private static void createResultTable(Queue<Object> queue) throws SQLException {
        inTransaction(queue, c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS pq_demo_results (run text NOT NULL, n integer NOT NULL, "
                        + "job_id bigint NOT NULL, kind text NOT NULL, worker text NOT NULL, "
                        + "done_at timestamptz NOT NULL DEFAULT clock_timestamp())");
            }
            return null;
        });
    }

    /** Every job done exactly once: one result row per job, none missing, none twice, queue empty. */
    private static boolean check(Queue<Object> queue, String run) throws SQLException {
        long left = queue.size();
        return inTransaction(queue, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*), count(DISTINCT n), count(DISTINCT job_id), min(n), max(n), "
                            + "count(*) FILTER (WHERE kind = 'scheduled') FROM pq_demo_results WHERE run = ?")) {
                ps.setString(1, run);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long rows = rs.getLong(1);
                    long distinct = rs.getLong(2);
                    boolean ok = rows == TOTAL && distinct == TOTAL && rs.getLong(3) == TOTAL && rs.getInt(4) == 0
                            && rs.getInt(5) == TOTAL - 1 && rs.getLong(6) == SCHEDULED && left == 0;
                    System.out.printf("check: %,d result rows for %,d distinct jobs of %,d enqueued, %,d left in "
                            + "the queue: %s%n", rows, distinct, TOTAL, left,
                            ok ? "every job done exactly once" : "MISMATCH");
                    return ok;
                }
            }
        });
    }

    private static void deleteResults(Queue<Object> queue, String run) throws SQLException {
        inTransaction(queue, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM pq_demo_results WHERE run = ?")) {
                ps.setString(1, run);
                return ps.executeUpdate();
            }
        });
    }
}
