package dev.pq.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The harness's reads of the ledger (SQL in {@link LedgerSql}). */
final class Ledger {
    private static final int SHOWN = 12;

    private Ledger() {
    }

    /** Empties the ledger and pq's tables (no worker may be running). */
    static void reset(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(LedgerSql.RESET);
        }
    }

    /** Enqueued jobs without an effect yet. */
    static long remaining(Connection c) throws SQLException {
        return count(c, LedgerSql.REMAINING);
    }

    /**
     * Waits until every enqueued job has an effect, or {@code timeout} passes; the server may be
     * briefly unreachable meanwhile. Returns the jobs still without effect.
     */
    static long awaitDrained(Env env, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long left = -1;
        while (System.nanoTime() - deadline < 0) {
            try (Connection c = env.admin()) {
                left = remaining(c);
                if (left == 0) {
                    return 0;
                }
            } catch (SQLException e) {
                left = -1;
            }
            Sleeps.millis(250);
        }
        return left;
    }

    /** The figures of the scenario just run, repeats explained by {@code timeline}. */
    static LedgerFigures figures(Connection c, Timeline timeline) throws SQLException {
        long enqueued;
        long completed;
        long phantom;
        long extra;
        long doubles;
        long runs;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LedgerSql.FIGURES)) {
            rs.next();
            enqueued = rs.getLong(1);
            completed = rs.getLong(2);
            phantom = rs.getLong(3);
            extra = rs.getLong(4);
            doubles = rs.getLong(5);
            runs = rs.getLong(6);
        }
        long pending;
        long failed;
        long gone;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LedgerSql.UNFINISHED)) {
            rs.next();
            pending = rs.getLong(1);
            failed = rs.getLong(2);
            gone = rs.getLong(3);
        }
        List<String> repeats = new ArrayList<>();
        long unexplained = repeats(c, timeline, repeats);
        List<String> twice = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LedgerSql.DOUBLE_EFFECTS)) {
            while (rs.next() && twice.size() < SHOWN * 2) {
                twice.add("n=" + rs.getLong(1) + " by " + rs.getString(3) + "/" + rs.getString(4).replace("pq-worker-", "t")
                        + " at " + rs.getTimestamp(2).toInstant());
            }
        }
        List<String> errors = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LedgerSql.LAST_ERRORS)) {
            while (rs.next()) {
                errors.add("job " + rs.getLong(1) + " errors=" + rs.getInt(2) + ": " + rs.getString(3));
            }
        }
        long failedInQueue = count(c, LedgerSql.FAILED_IN_QUEUE);
        return new LedgerFigures(enqueued, completed, enqueued - completed, pending, failed, gone, phantom, runs, extra,
                unexplained, repeats, doubles, twice, failedInQueue, errors);
    }

    /** Fills {@code shown} with the first repeated jobs; returns the repeats no fault explains. */
    private static long repeats(Connection c, Timeline timeline, List<String> shown) throws SQLException {
        long unexplained = 0;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LedgerSql.REPEATED_RUNS)) {
            long n = -1;
            Instant previous = null;
            StringBuilder line = null;
            while (rs.next()) {
                long rn = rs.getLong(1);
                Instant at = rs.getTimestamp(2).toInstant();
                if (rn != n) {
                    if (line != null && shown.size() < SHOWN) {
                        shown.add(line.toString());
                    }
                    n = rn;
                    previous = null;
                    line = new StringBuilder("n=" + rn + " (job " + rs.getLong(7) + ", " + rs.getLong(4) + " effects):");
                }
                boolean explained = previous == null || timeline.explains(previous, at);
                if (!explained) {
                    unexplained++;
                }
                line.append(' ').append(rs.getString(3)).append('/').append(rs.getString(5).replace("pq-worker-", "t"))
                        .append(" errors=").append(rs.getInt(6)).append(" @").append(at)
                        .append(explained ? "" : " [no fault before]").append(';');
                previous = at;
            }
            if (line != null && shown.size() < SHOWN) {
                shown.add(line.toString());
            }
        }
        return unexplained;
    }

    static long count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                bind(ps, i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Binds a value; an {@link Instant} as {@code timestamptz}. */
    static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value instanceof Instant t) {
            ps.setObject(index, java.time.OffsetDateTime.ofInstant(t, java.time.ZoneOffset.UTC));
        } else {
            ps.setObject(index, value);
        }
    }

    static Instant instant(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                bind(ps, i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                Timestamp t = rs.next() ? rs.getTimestamp(1) : null;
                return t == null ? null : t.toInstant();
            }
        }
    }
}
