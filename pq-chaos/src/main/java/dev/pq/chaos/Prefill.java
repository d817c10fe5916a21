package dev.pq.chaos;

import dev.pq.tasks.Enqueue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Many jobs at once: {@code batch} enqueues plus their ledger rows per transaction (pq-tasks has
 * no bulk enqueue, so these are many puts, each transaction sending its notifications at commit),
 * from a few threads. For backlogs and bursts, not under faults: an error ends the fill.
 */
final class Prefill {
    private Prefill() {
    }

    /** Enqueues {@code count} jobs; returns the elapsed nanoseconds. */
    static long fill(Env env, AtomicLong numbers, int count, IntSupplier sleeps, int batch, int threads) {
        long t0 = System.nanoTime();
        AtomicLong left = new AtomicLong(count);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "chaos-prefill");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    fillSome(env, numbers, left, sleeps, batch);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Sleeps.Interrupted(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("prefill failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return System.nanoTime() - t0;
    }

    private static void fillSome(Env env, AtomicLong numbers, AtomicLong left, IntSupplier sleeps, int batch)
            throws SQLException {
        try (Connection c = env.app("chaos-producer")) {
            c.setAutoCommit(false);
            Enqueue in = Enqueue.options().in(c);
            while (true) {
                long take = Math.min(batch, left.getAndAdd(-batch));
                if (take <= 0) {
                    return;
                }
                try (PreparedStatement ps = c.prepareStatement(LedgerSql.INSERT_JOB)) {
                    for (long i = 0; i < take; i++) {
                        long n = numbers.incrementAndGet();
                        int sleep = sleeps.getAsInt();
                        ps.setLong(1, n);
                        ps.setLong(2, env.tasks().enqueue(LedgerJob.class, new LedgerJob.Args(n, sleep), in));
                        ps.setInt(3, sleep);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
            }
        }
    }
}
