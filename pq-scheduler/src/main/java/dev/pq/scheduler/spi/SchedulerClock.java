package dev.pq.scheduler.spi;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Where a scheduler run reads the time it computes from: the database's clock ({@code now()}, the
 * run's transaction time), never the JVM's, so every worker agrees and a restore resumes from the
 * database's own state. The seam for tests: a clock that reads a time the test sets (in a table,
 * so several worker processes share it) moves simulated hours in seconds.
 */
@FunctionalInterface
public interface SchedulerClock {
    /** The time of this run, read on the run's own connection (inside its transaction). */
    Instant now(Connection connection) throws SQLException;

    /** The database's clock: {@code now()}, the start of the run's transaction. */
    static SchedulerClock database() {
        return c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT now()")) {
                rs.next();
                return rs.getObject(1, OffsetDateTime.class).toInstant();
            }
        };
    }
}
