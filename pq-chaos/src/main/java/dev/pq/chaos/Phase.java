package dev.pq.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A window of a pressure scenario (before / during / after) and what the queue did in it:
 * completions per second, enqueue-to-start latency of the jobs enqueued in it, and the table's
 * size and dead tuples at its end (the largest seen in it too).
 */
record Phase(String name, Instant from, Instant to) {

    /** One line: rate, latency, table size and dead tuples. */
    String describe(Connection c, Sampler sampler) throws SQLException {
        double secs = Math.max(1e-3, Duration.between(from, to).toMillis() / 1e3);
        long done = Ledger.count(c, LedgerSql.EFFECTS_BETWEEN, from, to);
        String latency;
        try (PreparedStatement ps = c.prepareStatement(LedgerSql.LATENCY)) {
            Ledger.bind(ps, 1, from);
            Ledger.bind(ps, 2, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                latency = rs.getLong(4) == 0 ? "no jobs enqueued"
                        : String.format("enqueue→start p50 %.1f ms, p99 %.1f ms, max %.0f ms", rs.getDouble(1),
                        rs.getDouble(2), rs.getDouble(3));
            }
        }
        List<Sampler.Sample> s = sampler.detailed(from, to);
        String table = "no size sample";
        if (!s.isEmpty()) {
            Sampler.Sample last = s.get(s.size() - 1);
            long maxBytes = s.stream().mapToLong(Sampler.Sample::tableBytes).max().orElse(0);
            long maxDead = s.stream().mapToLong(Sampler.Sample::deadTuples).max().orElse(0);
            long maxPending = s.stream().mapToLong(Sampler.Sample::pending).max().orElse(0);
            table = String.format("table+indexes %s at the end (max %s), dead tuples %,d (max %,d), pending %,d (max %,d)",
                    mb(last.tableBytes()), mb(maxBytes), last.deadTuples(), maxDead, last.pending(), maxPending);
        }
        return String.format("%s (%.0f s): %.0f jobs/s, %s; %s", name, secs, done / secs, latency, table);
    }

    static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1048576.0);
    }
}
