package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import dev.pq.tasks.DepthSample;
import dev.pq.tasks.StatsBucket;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the stats series: rows of a span summed per bucket (histograms bin by bin), percentiles from the sums. */
public final class SeriesReader {
    private SeriesReader() {
    }

    private static final class Sum {
        long processed;
        long failed;
        long cancelled;
        final long[] waits = new long[StatsSeries.BINS];
        final long[] runs = new long[StatsSeries.BINS];
    }

    public static List<StatsBucket> stats(TasksDb db, Connection c, StatsBucket.Size size, Instant from, Instant to,
                                          String queue, String task) throws SQLException {
        Map<Instant, Sum> sums = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(db.sql().series)) {
            ps.setInt(1, (int) size.length().toSeconds());
            ps.setObject(2, Engine.jdbc(from));
            ps.setObject(3, Engine.jdbc(to));
            ps.setString(4, queue);
            ps.setString(5, queue);
            ps.setString(6, task);
            ps.setString(7, task);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Sum s = sums.computeIfAbsent(Engine.instant(rs, 1), k -> new Sum());
                    s.processed += rs.getLong(4);
                    s.failed += rs.getLong(5);
                    s.cancelled += rs.getLong(6);
                    add(s.waits, rs.getArray(7));
                    add(s.runs, rs.getArray(8));
                }
            }
        }
        List<StatsBucket> out = new ArrayList<>(sums.size());
        for (Map.Entry<Instant, Sum> e : sums.entrySet()) {
            Sum s = e.getValue();
            out.add(new StatsBucket(e.getKey(), size, queue, task, s.processed, s.failed, s.cancelled,
                    percentiles(s.waits), percentiles(s.runs)));
        }
        return out;
    }

    public static List<DepthSample> depth(TasksDb db, Connection c, StatsBucket.Size size, Instant from, Instant to,
                                          String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.sql().depth)) {
            ps.setInt(1, (int) size.length().toSeconds());
            ps.setObject(2, Engine.jdbc(from));
            ps.setObject(3, Engine.jdbc(to));
            ps.setString(4, queue);
            ps.setString(5, queue);
            List<DepthSample> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DepthSample(Engine.instant(rs, 1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            return out;
        }
    }

    private static void add(long[] into, Array a) throws SQLException {
        Object[] values = (Object[]) a.getArray();
        for (int i = 0; i < values.length && i < into.length; i++) {
            into[i] += ((Number) values[i]).longValue();
        }
    }

    /** The p50/p95/p99 of a histogram: the upper bound of the bin each falls in. */
    static StatsBucket.Percentiles percentiles(long[] bins) {
        long n = 0;
        for (long b : bins) {
            n += b;
        }
        if (n == 0) {
            return new StatsBucket.Percentiles(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
        }
        return new StatsBucket.Percentiles(n, at(bins, n, 0.50), at(bins, n, 0.95), at(bins, n, 0.99));
    }

    private static Duration at(long[] bins, long n, double q) {
        long rank = (long) Math.ceil(q * n); // the rank-th smallest, from 1
        long seen = 0;
        for (int i = 0; i < bins.length; i++) {
            seen += bins[i];
            if (seen >= rank) {
                return Duration.ofNanos(Math.round(StatsSeries.upperMicros(i) * 1_000));
            }
        }
        return Duration.ofNanos(Math.round(StatsSeries.upperMicros(bins.length - 1) * 1_000));
    }
}
