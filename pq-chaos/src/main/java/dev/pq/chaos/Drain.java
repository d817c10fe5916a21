package dev.pq.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * The completions in a window, first to last: how fast a backlog was worked off.
 *
 * @param jobs  effects committed in the window
 * @param first the first of them
 * @param last  the last of them
 */
record Drain(long jobs, Instant first, Instant last) {
    private static final String SPAN = "SELECT count(*), min(committed_at), max(committed_at) FROM ledger.effects "
            + "WHERE committed_at >= ? AND committed_at < ?";

    static Drain between(Connection c, Instant from, Instant to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SPAN)) {
            Ledger.bind(ps, 1, from);
            Ledger.bind(ps, 2, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return new Drain(0, from, from);
                }
                return new Drain(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant());
            }
        }
    }

    double seconds() {
        return Duration.between(first, last).toMillis() / 1e3;
    }

    /** Jobs per second, first to last completion. */
    double rate() {
        return jobs / Math.max(seconds(), 1e-3);
    }
}
