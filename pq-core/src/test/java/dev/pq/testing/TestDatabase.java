package dev.pq.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server tests run against: the one at {@code PQ_TEST_DATABASE_URL} when set
 * (a JDBC URL), else one embedded server per JVM, started on first use and stopped at exit.
 * Tests isolate themselves in schemas of their own ({@link #newSchema()}).
 */
public final class TestDatabase {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static volatile String url;

    private TestDatabase() {
    }

    /** The JDBC URL of the test server (user and password included). */
    public static String url() {
        String u = url;
        if (u == null) {
            synchronized (TestDatabase.class) {
                if (url == null) {
                    url = start();
                }
                u = url;
            }
        }
        return u;
    }

    /** True when the tests use the embedded server. */
    public static boolean embedded() {
        String env = System.getenv("PQ_TEST_DATABASE_URL");
        return env == null || env.isBlank();
    }

    private static String start() {
        String env = System.getenv("PQ_TEST_DATABASE_URL");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return pg.getJdbcUrl("postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    /** The test URL with a connection parameter added, e.g. {@code ApplicationName=pq_x}. */
    public static String url(String parameter) {
        String u = url();
        return u + (u.contains("?") ? "&" : "?") + parameter;
    }

    /** A new connection in auto-commit mode. */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    /** Creates a fresh, uniquely named schema and returns its name. */
    public static String newSchema() {
        String name = "pqt_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        execute("DROP SCHEMA IF EXISTS " + name + " CASCADE; CREATE SCHEMA " + name);
        return name;
    }

    /** Drops a schema made by {@link #newSchema()}. */
    public static void dropSchema(String name) {
        execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }

    /** Runs SQL on a connection of its own. */
    public static void execute(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test SQL failed: " + sql, e);
        }
    }
}
