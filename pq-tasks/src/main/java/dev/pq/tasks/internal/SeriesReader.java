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
import java.util.TreeMap;
import java.util.function.BiFunction;

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

        StatsBucket bucket(Instant start, StatsBucket.Size size, String queue, String task) {
            return new StatsBucket(start, size, queue, task, processed, failed, cancelled, percentiles(waits),
                    percentiles(runs));
        }
    }

    public static List<StatsBucket> stats(TasksDb db, Connection c, StatsBucket.Size size, Instant from, Instant to,
                                          String queue, String task) throws SQLException {
        Map<Instant, Sum> sums = new LinkedHashMap<>();
        read(db, c, size, from, to, queue, task, (bucket, q) -> sums.computeIfAbsent(bucket, k -> new Sum()));
        List<StatsBucket> out = new ArrayList<>(sums.size());
        sums.forEach((bucket, s) -> out.add(s.bucket(bucket, size, queue, task)));
        return out;
    }

    /** Every queue's runs in {@code [from, to)} summed into one bucket per queue (start {@code from}), by queue name. */
    public static List<StatsBucket> byQueue(TasksDb db, Connection c, StatsBucket.Size size, Instant from, Instant to)
            throws SQLException {
        Map<String, Sum> sums = new TreeMap<>();
        read(db, c, size, from, to, null, null, (bucket, q) -> sums.computeIfAbsent(q, k -> new Sum()));
        List<StatsBucket> out = new ArrayList<>(sums.size());
        sums.forEach((q, s) -> out.add(s.bucket(from, size, q, null)));
        return out;
    }

    /** Adds each row of the series in range to the sum {@code into} picks for its bucket and queue. */
    private static void read(TasksDb db, Connection c, StatsBucket.Size size, Instant from, Instant to, String queue,
                             String task, BiFunction<Instant, String, Sum> into) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.seriesSql().series)) {
            ps.setInt(1, (int) size.length().toSeconds());
            ps.setObject(2, Engine.jdbc(from));
            ps.setObject(3, Engine.jdbc(to));
            ps.setString(4, queue);
            ps.setString(5, queue);
            ps.setString(6, task);
            ps.setString(7, task);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Sum s = into.apply(Engine.instant(rs, 1), rs.getString(2));
                    s.processed += rs.getLong(4);
                    s.failed += rs.getLong(5);
                    s.cancelled += rs.getLong(6);
                    add(s.waits, rs.getArray(7));
                    add(s.runs, rs.getArray(8));
                }
            }
        }
    }

    public static List<DepthSample> depth(TasksDb db, Connection c, StatsBucket.Size size, Instant from, Instant to,
                                          String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.seriesSql().depth)) {
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
