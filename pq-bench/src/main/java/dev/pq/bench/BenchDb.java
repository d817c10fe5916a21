package dev.pq.bench;

import dev.pq.PQ;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database under test: the one at {@code PQ_DATABASE_URL}, else an embedded PostgreSQL.
 * Everything happens in the schema {@value #SCHEMA}, created fresh and dropped at the end: pq's
 * own migrated table {@value #TABLE}, and {@value #RAW_TABLE} for the raw-SQL scenarios, a fixed
 * copy of pq's schema version 1 (same columns, same partial indexes) so that the raw baseline does
 * not move when pq's schema does.
 */
final class BenchDb implements AutoCloseable {
    static final String SCHEMA = "pq_bench";
    static final String TABLE = SCHEMA + ".queue";
    static final String RAW_TABLE = SCHEMA + ".raw_jobs";
    static final String PAYLOAD = "{\"user_id\": 12345, \"action\": \"send_email\"}";

    final String url;
    final boolean embedded;
    private final EmbeddedPostgres pg;

    private BenchDb(String url, EmbeddedPostgres pg) {
        this.url = url;
        this.pg = pg;
        this.embedded = pg != null;
    }

    static BenchDb open() throws Exception {
        String env = System.getenv("PQ_DATABASE_URL");
        BenchDb db;
        if (env != null && !env.isBlank()) {
            db = new BenchDb(jdbcUrl(env), null);
            ensureDatabase(db.url);
        } else {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            db = new BenchDb(pg.getJdbcUrl("postgres", "postgres"), pg);
        }
        db.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE", "CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + RAW_TABLE + " (id bigserial PRIMARY KEY, queue text NOT NULL, "
                        + "enqueued_at timestamptz NOT NULL DEFAULT clock_timestamp(), schedule_at timestamptz, "
                        + "expected_at timestamptz, data jsonb, bytes bytea, locked_by integer, "
                        + "CHECK (data IS NULL OR bytes IS NULL))",
                // Only the raw batch claim-then-delete uses locked_by (as in shared/bench's pgbench script).
                "CREATE INDEX raw_jobs_locked_idx ON " + RAW_TABLE + " (locked_by) WHERE locked_by IS NOT NULL",
                "CREATE INDEX raw_jobs_ready_idx ON " + RAW_TABLE + " (queue, expected_at, id) "
                        + "WHERE schedule_at IS NULL",
                "CREATE INDEX raw_jobs_scheduled_idx ON " + RAW_TABLE + " (queue, schedule_at) "
                        + "WHERE schedule_at IS NOT NULL");
        try (PQ pq = db.pq(2)) {
            pq.migrate();
        }
        return db;
    }

    /**
     * Creates the URL's database when the server says it does not exist (connecting to the
     * {@code postgres} database of the same server, as the same user); without the privilege, a
     * {@link BenchFailure} saying what to create.
     */
    static void ensureDatabase(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            return;
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) { // invalid_catalog_name: the database does not exist
                throw e;
            }
        }
        Matcher m = Pattern.compile("^jdbc:postgresql://[^/?]*/([^?]+)").matcher(url);
        if (!m.find()) {
            throw new BenchFailure("the database of PQ_DATABASE_URL does not exist: " + mask(url));
        }
        String name = java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8);
        String quoted = "\"" + name.replace("\"", "\"\"") + "\"";
        String admin = url.replaceFirst("^(jdbc:postgresql://[^/?]*/)[^?]*", "$1postgres");
        try (Connection c = DriverManager.getConnection(admin); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + quoted);
            System.out.println("pq-bench: created database " + quoted + " (it did not exist)");
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) { // duplicate_database: created meanwhile
                return;
            }
            throw new BenchFailure("database " + quoted + " does not exist and pq-bench could not create it ("
                    + BenchFailure.oneLine(e.getMessage()) + "): create it (CREATE DATABASE " + quoted
                    + ";) or point PQ_DATABASE_URL at an existing database", e);
        }
    }

    static String mask(String url) {
        return url.replaceAll("(password=)[^&]*", "$1***").replaceAll(":[^:@/]*@", ":***@");
    }

    /** A new PQ on the benchmark table, owning a pool of {@code poolSize}. */
    PQ pq(int poolSize) {
        return PQ.builder().url(url).schema(SCHEMA).table("queue").poolSize(poolSize).build();
    }

    /** A new PQ on another table of the benchmark schema (migrated by the caller). */
    PQ pq(int poolSize, String table) {
        return PQ.builder().url(url).schema(SCHEMA).table(table).poolSize(poolSize).build();
    }

    /**
     * The JDBC URL of another database on the same server, created if missing (the Java peers
     * get databases of their own, as the Node peers do).
     */
    String database(String name) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                if (!rs.next()) {
                    st.execute("CREATE DATABASE " + name);
                }
            }
        }
        return url.replaceFirst("^(jdbc:postgresql://[^/?]*/)[^?]*", "$1" + name);
    }

    /** The server as a libpq URL (for the Node peers), with {@code database} as the database. */
    String libpqUrl(String database) throws SQLException {
        try (Connection c = connect()) {
            java.sql.DatabaseMetaData md = c.getMetaData();
            String user = md.getUserName();
            Matcher m = Pattern.compile("jdbc:postgresql://([^/?]*)").matcher(url);
            String host = m.find() ? m.group(1) : "127.0.0.1:5432";
            Matcher pw = Pattern.compile("[?&]password=([^&]*)").matcher(url);
            String auth = user + (pw.find() ? ":" + pw.group(1) : "");
            return "postgres://" + auth + "@" + host + "/" + database;
        }
    }

    /** Table and index bytes of a table: {table, indexes, total}. */
    long[] sizes(String table) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT pg_table_size(CAST(? AS regclass)), pg_indexes_size(CAST(? AS regclass)), "
                        + "pg_total_relation_size(CAST(? AS regclass))")) {
            for (int i = 1; i <= 3; i++) {
                ps.setString(i, table);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    /** A server setting ({@code SHOW name}). */
    String setting(String name) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A new auto-commit connection, for the raw-SQL scenarios. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    /** Empties both tables. */
    void truncate() throws SQLException {
        execute("TRUNCATE " + TABLE + ", " + RAW_TABLE);
    }

    /**
     * Empties both tables, then fills {@code table} with {@code rows} ready jobs of {@code queue}
     * and vacuums it.
     */
    void refill(String table, String queue, int rows) throws SQLException {
        truncate();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (queue, data) SELECT ?, jsonb_build_object('user_id', g, 'action', 'send_email') "
                + "FROM generate_series(1, ?) AS g")) {
            ps.setString(1, queue);
            ps.setInt(2, rows);
            ps.executeUpdate();
        }
        execute("VACUUM ANALYZE " + table);
    }

    /** The server's version and the settings that move the figures most. */
    Map<String, Object> info() throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("embedded", embedded);
        out.put("url", mask(url));
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String setting : new String[] {"server_version", "synchronous_commit", "fsync", "shared_buffers",
                    "max_connections", "autovacuum", "autovacuum_naptime"}) {
                try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
                    rs.next();
                    out.put(setting, rs.getString(1));
                }
            }
        }
        return out;
    }

    void execute(String... statements) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    @Override
    public void close() throws SQLException, IOException {
        try {
            execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    /** Accepts JDBC URLs and libpq-style {@code postgres://user:pw@host:port/db?opts} URLs. */
    static String jdbcUrl(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return url;
        }
        Matcher m = Pattern.compile("postgres(?:ql)?://(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]*)(/[^?]*)?(?:\\?(.*))?")
                .matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("PQ_DATABASE_URL is not a PostgreSQL URL: " + url.replaceAll(":[^:@/]*@", ":***@"));
        }
        StringBuilder s = new StringBuilder("jdbc:postgresql://").append(m.group(3).isEmpty() ? "localhost" : m.group(3))
                .append(m.group(4) == null ? "/" : m.group(4));
        char sep = '?';
        if (m.group(5) != null && !m.group(5).isEmpty()) {
            s.append(sep).append(m.group(5));
            sep = '&';
        }
        if (m.group(1) != null && !m.group(1).isEmpty()) {
            s.append(sep).append("user=").append(m.group(1));
            sep = '&';
        }
        if (m.group(2) != null) {
            s.append(sep).append("password=").append(m.group(2));
        }
        return s.toString();
    }
}
