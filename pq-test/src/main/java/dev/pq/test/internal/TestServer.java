package dev.pq.test.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server of the kit's tests: an explicit URL, else {@code PQ_TEST_DATABASE_URL},
 * else one embedded server per JVM (started on first use, stopped at exit); and the schemas made
 * on it, one per test class.
 */
public final class TestServer {
    /** The environment variable naming the user's test database (a JDBC URL with user and password). */
    public static final String ENV = "PQ_TEST_DATABASE_URL";
    private static final Logger log = LoggerFactory.getLogger(TestServer.class);
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static volatile String embeddedUrl;

    private TestServer() {
    }

    /** The URL to use: {@code explicit} if given, else the environment's, else the embedded server's. */
    public static String url(String explicit) {
        if (explicit != null) {
            return explicit;
        }
        String env = System.getenv(ENV);
        return env != null && !env.isBlank() ? env : embedded();
    }

    private static String embedded() {
        String u = embeddedUrl;
        if (u == null) {
            synchronized (TestServer.class) {
                if (embeddedUrl == null) {
                    embeddedUrl = start();
                }
                u = embeddedUrl;
            }
        }
        return u;
    }

    private static String start() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }, "pq-test-embedded-stop"));
            String url = pg.getJdbcUrl("postgres", "postgres");
            log.info("pq-test: {} is not set: started an embedded PostgreSQL at {}", ENV, url);
            return url;
        } catch (IOException e) {
            throw new IllegalStateException("pq-test: cannot start the embedded PostgreSQL (set " + ENV
                    + " to a JDBC URL of a test database instead)", e);
        }
    }

    /** Creates a fresh schema of a unique name on {@code url}; returns the name. */
    public static String newSchema(String url) {
        String name = "pqtest_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        execute(url, "DROP SCHEMA IF EXISTS " + name + " CASCADE; CREATE SCHEMA " + name);
        return name;
    }

    /** Drops a schema made by {@link #newSchema}. */
    public static void dropSchema(String url, String name) {
        execute(url, "DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }

    private static void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("pq-test: " + sql + " failed on " + mask(url) + ": " + e.getMessage(), e);
        }
    }

    /** The URL without its password, for messages. */
    public static String mask(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
