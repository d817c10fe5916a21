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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the numbered migrations in {@code dev/pq/migrations} ({@code V<n>__<name>.sql} and
 * {@code V<n>__<name>.down.sql}) in one transaction, under an advisory lock so two processes
 * migrating at once take turns. The version of each queue table is a row of {@code pq_schema_versions} in
 * the table's schema; migrating to 0 removes the table, the row, and the versions table once it
 * is empty.
 */
public final class Migrator {
    private static final Logger log = LoggerFactory.getLogger(Migrator.class);

    /** The migrations, by version: {@code V<n>__<name>.sql} and its {@code .down.sql}. */
    private static final List<String> NAMES = List.of("queue_table", "workers_and_stats", "failed_state", "scheduler", "operations", "lifecycle",
            "waiters", "index_cleanup");

    /** The newest schema version this library knows. */
    public static final int LATEST = NAMES.size();

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
            for (String step : steps(current, target)) {
                try (Statement st = c.createStatement()) {
                    st.execute(text(step));
                }
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

    /** The migration resources that move the schema from {@code from} to {@code to}, in order. */
    public static List<String> steps(int from, int to) {
        List<String> out = new java.util.ArrayList<>();
        for (int v = from + 1; v <= to; v++) {
            out.add("V" + v + "__" + NAMES.get(v - 1) + ".sql");
        }
        for (int v = from; v > to; v--) {
            out.add("V" + v + "__" + NAMES.get(v - 1) + ".down.sql");
        }
        return out;
    }

    /** A migration's SQL for this table, its placeholders filled in. */
    public String text(String resource) {
        return load(resource)
                .replace("${table}", sql.qualified)
                .replace("${schema}", Identifiers.quote("schema", sql.schema))
                .replace("${workers}", sql.workers)
                .replace("${stats}", sql.stats)
                .replace("${name}", sql.table);
    }

    /**
     * The SQL that moves the schema from {@code from} to {@code to}, as a script for users who apply
     * migrations with their own tool (Flyway, Liquibase): the steps, then the version record pq
     * reads. Nothing is run.
     */
    public String script(int from, int to) {
        if (from < 0 || from > LATEST || to < 0 || to > LATEST) {
            throw new IllegalArgumentException("versions must be between 0 and " + LATEST + ": " + from + " to " + to);
        }
        StringBuilder out = new StringBuilder("-- pq: table " + sql.display + ", schema version " + from + " to " + to
                + "\n");
        for (String step : steps(from, to)) {
            out.append("\n-- ").append(step).append('\n').append(text(step).strip()).append('\n');
        }
        out.append("\n-- the version pq reads\nCREATE TABLE IF NOT EXISTS ").append(versions)
                .append(" (table_name text PRIMARY KEY, version integer NOT NULL, migrated_at timestamptz NOT NULL "
                        + "DEFAULT now());\n");
        String name = "'" + sql.table + "'"; // a validated identifier: no quote can be in it
        if (to == 0) {
            out.append("DELETE FROM ").append(versions).append(" WHERE table_name = ").append(name).append(";\n");
        } else {
            out.append("INSERT INTO ").append(versions).append(" (table_name, version) VALUES (").append(name)
                    .append(", ").append(to).append(") ON CONFLICT (table_name) DO UPDATE SET version = excluded.version, "
                            + "migrated_at = now();\n");
        }
        return out.toString();
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
