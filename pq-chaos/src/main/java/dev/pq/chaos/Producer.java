package dev.pq.chaos;

import dev.pq.tasks.Enqueue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load: threads putting one job per transaction at a fixed total rate, each transaction the
 * enqueue plus the job's ledger row, so the ledger holds exactly the committed jobs. It survives
 * faults: a failed put reconnects with a short backoff and tries the same job number again, and a
 * put whose commit outcome is unknown (the connection died during COMMIT) is resolved by looking
 * for its ledger row. Missed send slots are dropped after 1 s rather than sent in a burst.
 */
final class Producer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Producer.class);

    private final Env env;
    private final AtomicLong numbers;
    private final IntSupplier sleeps;
    private final double rate;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong unknownCommitted = new AtomicLong();
    private volatile boolean running = true;
    private long startedNanos;
    private long stoppedNanos;

    /** {@code rate} jobs/s in total ({@code <= 0}: as fast as {@code threads} threads can). */
    Producer(Env env, AtomicLong numbers, double rate, IntSupplier sleeps, int threads) {
        this.env = env;
        this.numbers = numbers;
        this.rate = rate;
        this.sleeps = sleeps;
        for (int i = 0; i < threads; i++) {
            int index = i;
            Thread t = new Thread(() -> loop(index, threads), "chaos-producer-" + i);
            t.setDaemon(true);
            this.threads.add(t);
        }
    }

    Producer start() {
        startedNanos = System.nanoTime();
        threads.forEach(Thread::start);
        return this;
    }

    private void loop(int index, int count) {
        long period = rate > 0 ? (long) (1e9 * count / rate) : 0;
        long next = System.nanoTime() + period * index / count;
        Connection c = null;
        while (running) {
            if (period > 0) {
                long now = System.nanoTime();
                if (now - next > TimeUnit.SECONDS.toNanos(1)) {
                    next = now; // behind by over a second (a fault): drop the missed slots
                }
                Sleeps.until(next);
                next += period;
            }
            c = putWithRetries(c, numbers.incrementAndGet(), sleeps.getAsInt());
        }
        closeQuietly(c);
    }

    /** Puts job {@code n} until it is committed (or the producer stops); returns the connection to reuse. */
    private Connection putWithRetries(Connection c, long n, int sleepMs) {
        long backoff = 20;
        while (running) {
            boolean committing = false;
            try {
                if (c == null) {
                    c = env.app("chaos-producer");
                    c.setAutoCommit(false);
                }
                long id = env.tasks().enqueue(LedgerJob.class, new LedgerJob.Args(n, sleepMs), Enqueue.options().in(c));
                try (PreparedStatement ps = c.prepareStatement(LedgerSql.INSERT_JOB)) {
                    ps.setLong(1, n);
                    ps.setLong(2, id);
                    ps.setInt(3, sleepMs);
                    ps.executeUpdate();
                }
                committing = true;
                c.commit();
                committed.incrementAndGet();
                return c;
            } catch (SQLException | RuntimeException e) {
                if (e instanceof Sleeps.Interrupted i) {
                    throw i;
                }
                failures.incrementAndGet();
                closeQuietly(c);
                c = null;
                log.debug("put of job {} failed (commit sent: {}): {}", n, committing, e.toString());
                if (committing) {
                    unknown.incrementAndGet();
                    Boolean done = lookUp(n);
                    if (done == null) {
                        return null; // stopped before it could be resolved: the ledger row, if any, is the truth
                    }
                    if (done) {
                        unknownCommitted.incrementAndGet();
                        committed.incrementAndGet();
                        return null;
                    }
                }
                Sleeps.millis(backoff);
                backoff = Math.min(backoff * 2, 500);
            }
        }
        return c;
    }

    /** Whether job {@code n}'s ledger row exists, asking until the database answers; null if stopped first. */
    private Boolean lookUp(long n) {
        long backoff = 20;
        while (running) {
            try (Connection c = env.app("chaos-producer"); PreparedStatement ps = c.prepareStatement(LedgerSql.JOB_EXISTS)) {
                ps.setLong(1, n);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) == 1;
                }
            } catch (SQLException e) {
                Sleeps.millis(backoff);
                backoff = Math.min(backoff * 2, 500);
            }
        }
        return null;
    }

    /** Jobs committed so far. */
    long committed() {
        return committed.get();
    }

    /** The committed rate over the producer's life (until {@link #close()}). */
    double achievedRate() {
        long end = stoppedNanos != 0 ? stoppedNanos : System.nanoTime();
        return committed.get() / Math.max(1e-9, (end - startedNanos) / 1e9);
    }

    /** A line for the report: what the faults did to the producer. */
    String summary() {
        return String.format("producer: %,d committed at %.0f/s, %,d failed attempts, %,d unknown outcomes "
                + "(%,d had committed)", committed.get(), achievedRate(), failures.get(), unknown.get(), unknownCommitted.get());
    }

    /** Stops producing: the put in progress ends, no new one starts. */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Sleeps.Interrupted(e);
            }
        }
        if (stoppedNanos == 0) {
            stoppedNanos = System.nanoTime();
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // broken already
            }
        }
    }
}
