package dev.pq.test.internal;

import dev.pq.PQ;
import dev.pq.internal.Engine;
import dev.pq.internal.Internals;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** The kit's own statements (everything else goes through pq-tasks' API): reset, advance, promote. */
public final class KitSql {
    private final Engine engine;
    private final String reset;
    private final String advance;
    private final String advanceUnique;
    private final String promote;

    public KitSql(PQ pq) {
        this.engine = Internals.engine(pq);
        var sql = engine.sql();
        reset = sql.named("kitReset", "TRUNCATE {table}, {workers}, {stats}, {paused}, {series}, {depth}, {unique}, "
                + "{rate_slots}");
        // Pending jobs not yet due are moved earlier: the database's clock cannot be moved.
        advance = sql.named("kitAdvance", """
                UPDATE {table} SET schedule_at = schedule_at - CAST(? AS bigint) * interval '1 microsecond',
                                   expected_at = expected_at - CAST(? AS bigint) * interval '1 microsecond'
                WHERE {pending} AND schedule_at > statement_timestamp()""");
        advanceUnique = sql.named("kitAdvanceUnique", """
                UPDATE {unique} SET expires_at = expires_at - CAST(? AS bigint) * interval '1 microsecond'
                WHERE expires_at > statement_timestamp()""");
        promote = sql.named("kitPromote", """
                UPDATE {table} SET schedule_at = statement_timestamp()
                WHERE {pending} AND schedule_at > statement_timestamp() AND (CAST(? AS text) IS NULL OR queue = ?)""");
    }

    /** Empties every table of the schema's queue (jobs, unique claims, pauses, workers, stats). */
    public void reset() {
        try (Connection c = engine.acquire(); Statement st = c.createStatement()) {
            st.execute(reset);
        } catch (SQLException e) {
            throw engine.translate(e, "emptying the test's tables");
        }
    }

    /** Moves pending jobs not yet due, and live unique periods, earlier by {@code by}; returns the jobs moved. */
    public int advance(Duration by) {
        long micros = by.toNanos() / 1_000;
        try (Connection c = engine.acquire()) {
            c.setAutoCommit(false);
            try (PreparedStatement jobs = c.prepareStatement(advance);
                 PreparedStatement unique = c.prepareStatement(advanceUnique)) {
                jobs.setLong(1, micros);
                jobs.setLong(2, micros);
                int moved = jobs.executeUpdate();
                unique.setLong(1, micros);
                unique.executeUpdate();
                c.commit();
                return moved;
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw engine.translate(e, "advancing the scheduled jobs by " + by);
        }
    }

    /** Makes every pending job of {@code queue} (null: every queue) scheduled for later due now; returns how many. */
    public int promote(String queue) {
        try (Connection c = engine.acquire(); PreparedStatement ps = c.prepareStatement(promote)) {
            ps.setString(1, queue);
            ps.setString(2, queue);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw engine.translate(e, "making the scheduled jobs due");
        }
    }
}
