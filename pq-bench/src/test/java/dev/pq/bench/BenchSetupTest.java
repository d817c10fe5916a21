package dev.pq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** What a newcomer meets when the bench's database is missing or unreachable (issue 13 item 6). */
class BenchSetupTest {

    private static String withDatabase(String url, String name) {
        return url.replaceFirst("^(jdbc:postgresql://[^/?]*/)[^?]*",
                "$1" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private static boolean exists(String name) throws SQLException {
        try (Connection c = TestDatabase.connect();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void drop(String name) throws SQLException {
        try (Connection c = TestDatabase.connect(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS \"" + name.replace("\"", "\"\"") + "\"");
        }
    }

    @Test
    void ensureDatabase_createsTheMissingDatabase_evenWithANameThatNeedsQuoting() throws Exception {
        String name = "pq bench \"Fresh\" " + ThreadLocalRandom.current().nextInt(1_000_000);
        try {
            assertFalse(exists(name));
            BenchDb.ensureDatabase(withDatabase(TestDatabase.url(), name));
            assertTrue(exists(name));
            BenchDb.ensureDatabase(withDatabase(TestDatabase.url(), name)); // there now: nothing to do
            try (Connection c = DriverManager.getConnection(withDatabase(TestDatabase.url(), name));
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_database()")) {
                rs.next();
                assertEquals(name, rs.getString(1));
            }
        } finally {
            drop(name);
        }
    }

    @Test
    void ensureDatabase_saysWhatToCreate_whenTheUserMayNotCreateDatabases() throws Exception {
        String role = "pq_bench_nocreate_" + ThreadLocalRandom.current().nextInt(1_000_000);
        String name = "pq_bench_missing_" + ThreadLocalRandom.current().nextInt(1_000_000);
        try (Connection c = TestDatabase.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN NOCREATEDB PASSWORD 'pw'");
        }
        try {
            String url = withDatabase(TestDatabase.url(), name).replaceAll("user=[^&]*", "user=" + role)
                    .replaceAll("password=[^&]*", "password=pw");
            if (!url.contains("password=")) {
                url += "&password=pw";
            }
            String given = url;
            BenchFailure e = assertThrows(BenchFailure.class, () -> BenchDb.ensureDatabase(given));
            assertTrue(e.getMessage().contains("CREATE DATABASE \"" + name + "\""), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertFalse(exists(name));
        } finally {
            try (Connection c = TestDatabase.connect(); Statement st = c.createStatement()) {
                st.execute("DROP ROLE " + role);
            }
        }
    }

    @Test
    void describe_isOneLineNamingTheServer_whenNothingListens() {
        SQLException refused = assertThrows(SQLException.class,
                () -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:1/bench?user=postgres&connectTimeout=2"));
        String line = BenchFailure.describe(new RuntimeException("wrapped", refused));
        assertTrue(line.startsWith("cannot connect to PostgreSQL"), line);
        assertFalse(line.contains("\n"), line);
    }

    @Test
    void describe_namesTheScenario_whenOneThrows() {
        BenchFailure f = new BenchFailure("scenario pq.x failed: " + BenchFailure.describe(
                new IllegalStateException("pq.x: poll found nothing\n  at somewhere")));
        assertEquals("scenario pq.x failed: pq.x: poll found nothing at somewhere", BenchFailure.describe(f));
    }

    @Test
    void jdbcUrl_rejectsAUrlThatIsNotPostgreSql_withoutShowingItsPassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchDb.jdbcUrl("mysql://me:secret@host/db"));
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
        assertEquals("PQ_DATABASE_URL is not a PostgreSQL URL: mysql://me:***@host/db", BenchFailure.describe(e));
    }
}
