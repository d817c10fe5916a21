package dev.pq.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the queue from a superuser connection: every {@code every}, how many ready jobs no
 * worker holds (capped at 1,000: only "are there any" matters); every {@code detailEvery}-th time
 * also the pending jobs, the table's size with indexes, its dead tuples and the connections of
 * the chaos applications and of the workers alone.
 */
final class Sampler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sampler.class);

    /**
     * One sample; the detail fields are -1 when not taken this time. {@code connections} counts
     * every chaos application (workers, their ledger writes, the producer), {@code
     * workerConnections} pq's own (application name {@code chaos-worker-*}).
     */
    record Sample(Instant at, long readyFree, long pending, long tableBytes, long deadTuples, long connections,
                  long workerConnections) {
        boolean detailed() {
            return pending >= 0;
        }
    }

    private static final String READY_FREE = "SELECT count(*) FROM (SELECT 1 FROM " + LedgerSql.QUEUE + " t WHERE t."
            + LedgerSql.PENDING.replace(" AND ", " AND t.") + " AND (t.schedule_at IS NULL OR t.schedule_at <= now()) "
            + "AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted "
            + "AND l.classid = CAST(CAST(? AS bigint) AS oid) "
            + "AND l.objid = CAST(((t.id % 4294967296) + 2147483648) % 4294967296 AS oid)) LIMIT 1000) x";
    private static final String DETAIL = "SELECT (SELECT count(*) FROM " + LedgerSql.QUEUE + " WHERE "
            + LedgerSql.PENDING + "), pg_total_relation_size('" + LedgerSql.QUEUE + "'), "
            + "(SELECT n_dead_tup FROM pg_stat_user_tables WHERE relid = CAST('" + LedgerSql.QUEUE + "' AS regclass)), "
            + "(SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'chaos-%' "
            + "AND application_name NOT IN ('chaos-harness', 'chaos-hog')), "
            + "(SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'chaos-worker-%')";

    private final Env env;
    private final Duration every;
    private final int detailEvery;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    Sampler(Env env, Duration every, int detailEvery) {
        this.env = env;
        this.every = every;
        this.detailEvery = detailEvery;
        this.thread = new Thread(this::loop, "chaos-sampler");
        this.thread.setDaemon(true);
    }

    Sampler start() {
        thread.start();
        return this;
    }

    private void loop() {
        Connection c = null;
        long tick = 0;
        long next = System.nanoTime();
        while (running) {
            try {
                if (c == null) {
                    c = env.admin();
                }
                samples.add(sample(c, tick++ % detailEvery == 0));
            } catch (SQLException e) {
                log.debug("sample failed: {}", e.toString());
                close(c);
                c = null;
            }
            next += every.toNanos();
            try {
                Sleeps.until(next);
            } catch (Sleeps.Interrupted e) {
                break;
            }
        }
        close(c);
    }

    /** Takes one sample now (also usable without the thread). */
    Sample sample(Connection c, boolean detail) throws SQLException {
        Instant at = Instant.now();
        long ready;
        try (PreparedStatement ps = c.prepareStatement(READY_FREE)) {
            ps.setLong(1, Integer.toUnsignedLong(env.lockClass()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                ready = rs.getLong(1);
            }
        }
        if (!detail) {
            return new Sample(at, ready, -1, -1, -1, -1, -1);
        }
        try (PreparedStatement ps = c.prepareStatement(DETAIL); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Sample(at, ready, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
        }
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The detailed samples in [from, to). */
    List<Sample> detailed(Instant from, Instant to) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.detailed() && !s.at().isBefore(from) && s.at().isBefore(to)) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // broken already
            }
        }
    }
}
