package dev.pq.internal;

import dev.pq.PQException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the numbered migrations in {@code dev/pq/migrations} ({@code V<n>__up.sql} and
 * {@code V<n>__down.sql}) in one transaction, under an advisory lock so two processes migrating
 * at once take turns. The version of each queue table is a row of {@code pq_schema_versions} in
 * the table's schema; migrating to 0 removes the table, the row, and the versions table once it
 * is empty.
 */
public final class Migrator {
    private static final Logger log = LoggerFactory.getLogger(Migrator.class);

    /** The newest schema version this library knows. Bump when adding {@code V<n>__up.sql}. */
    public static final int LATEST = 2;

    /** The advisory lock (single bigint form) that serializes every pq migration in a database. */
    private static final long MIGRATION_LOCK = 0x7071_6d69_6772_6174L; // "pqmigrat"

    private final Sql sql;
    private final String versions;

    public Migrator(Sql sql) {
        this.sql = sql;
        this.versions = Identifiers.quote("schema", sql.schema) + ".pq_schema_versions";
    }

    /** The version recorded in the database, 0 if none. */
    public int version(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, versions);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return 0;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM " + versions + " WHERE table_name = ?")) {
            ps.setString(1, sql.table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** Moves the schema to {@code target} (0 to {@link #LATEST}); returns the version it was at. */
    public int migrate(Connection c, int target) throws SQLException {
        if (target < 0 || target > LATEST) {
            throw new IllegalArgumentException("version must be between 0 and " + LATEST + ": " + target);
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                checkSchemaExists(c);
                st.execute("CREATE TABLE IF NOT EXISTS " + versions + " (table_name text PRIMARY KEY, "
                        + "version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())");
            }
            int current = version(c);
            if (current > LATEST) {
                throw new PQException("table " + sql.display + " is at schema version " + current
                        + ", newer than this library knows (" + LATEST + "): upgrade pq");
            }
            for (int v = current + 1; v <= target; v++) {
                run(c, "V" + v + "__up.sql");
            }
            for (int v = current; v > target; v--) {
                run(c, "V" + v + "__down.sql");
            }
            try (Statement st = c.createStatement()) {
                if (target == 0) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + versions + " WHERE table_name = ?")) {
                        ps.setString(1, sql.table);
                        ps.executeUpdate();
                    }
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + versions)) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            st.execute("DROP TABLE " + versions);
                        }
                    }
                } else if (target != current) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + versions
                            + " (table_name, version) VALUES (?, ?) ON CONFLICT (table_name) "
                            + "DO UPDATE SET version = excluded.version, migrated_at = now()")) {
                        ps.setString(1, sql.table);
                        ps.setInt(2, target);
                        ps.executeUpdate();
                    }
                }
            }
            c.commit();
            if (current != target) {
                log.info("migrated table={} from version {} to {}", sql.display, current, target);
            }
            return current;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private void checkSchemaExists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, sql.schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new PQException("schema \"" + sql.schema + "\" does not exist: create it "
                            + "(CREATE SCHEMA " + Identifiers.quote("schema", sql.schema) + ") before pq.migrate()");
                }
            }
        }
    }

    private void run(Connection c, String resource) throws SQLException {
        String text = load(resource)
                .replace("${table}", sql.qualified)
                .replace("${workers}", sql.workers)
                .replace("${stats}", sql.stats)
                .replace("${name}", sql.table);
        try (Statement st = c.createStatement()) {
            st.execute(text);
        }
    }

    private static String load(String resource) {
        try (InputStream in = Migrator.class.getResourceAsStream("/dev/pq/migrations/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing migration resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration resource " + resource, e);
        }
    }
}
