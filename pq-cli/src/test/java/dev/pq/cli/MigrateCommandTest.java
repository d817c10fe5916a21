package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.PQ;
import dev.pq.testing.TestDatabase;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MigrateCommandTest {
    private static final List<String> MIGRATE = List.of("migrate");
    private String schema;

    @BeforeEach
    void schema() {
        schema = TestDatabase.newSchema();
    }

    @AfterEach
    void drop() {
        TestDatabase.dropSchema(schema);
    }

    private int version() {
        try (PQ pq = PQ.builder().url(TestDatabase.url()).schema(schema).poolSize(1).build()) {
            return pq.schemaVersion();
        }
    }

    @Test
    void migrate_createsTheTable_andPrintsFromAndToVersions() {
        int latest = PQ.latestSchemaVersion();
        Cli.Result r = Cli.db(schema, MIGRATE);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains(schema + ".queue: migrated from schema version 0 to " + latest), r.out());
        assertEquals(latest, version());

        Cli.Result again = Cli.db(schema, MIGRATE, "--log-level", "info"); // declared once, for every command
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("schema version " + latest + ", nothing to do"), again.out());
    }

    @Test
    void migrateTo_movesDownAndUp() {
        int latest = PQ.latestSchemaVersion();
        assertEquals(0, Cli.db(schema, MIGRATE).code());
        Cli.Result down = Cli.db(schema, MIGRATE, "--to", "0");
        assertEquals(0, down.code(), down.toString());
        assertTrue(down.out().contains("from schema version " + latest + " to 0"), down.out());
        assertEquals(0, version());

        Cli.Result one = Cli.db(schema, MIGRATE, "--to", "1");
        assertEquals(0, one.code(), one.toString());
        assertTrue(one.out().contains("from schema version 0 to 1"), one.out());
        assertEquals(1, version());
    }

    @Test
    void migrate_customTable() {
        Cli.Result r = Cli.db(schema, MIGRATE, "--table", "jobs");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains(schema + ".jobs: migrated"), r.out());
    }

    @Test
    void migrateTo_outOfRange_isAUsageError() {
        Cli.Result r = Cli.db(schema, MIGRATE, "--to", "99");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("'--to'") && r.err().contains("'99'"), r.err());
        assertTrue(r.out().isEmpty());
        assertEquals(0, version());
    }

    @Test
    void url_fromTheEnvironment() {
        Cli.Result r = Cli.run(Cli.env(Main.URL_ENV, TestDatabase.url()), "migrate", "--schema", schema);
        assertEquals(0, r.code(), r.toString());
        assertEquals(PQ.latestSchemaVersion(), version());
    }

    @Test
    void url_libpqStyle() {
        // jdbc:postgresql://host:port/db?user=u[&password=p] -> postgres://u[:p]@host:port/db
        Matcher m = Pattern.compile("jdbc:postgresql://([^/]+)/([^?]+)\\?user=([^&]+)(?:&password=([^&]+))?")
                .matcher(TestDatabase.url());
        org.junit.jupiter.api.Assumptions.assumeTrue(m.matches(), "test URL not in the simple form");
        String url = "postgres://" + m.group(3) + (m.group(4) == null ? "" : ":" + m.group(4)) + "@" + m.group(1)
                + "/" + m.group(2);
        Cli.Result r = Cli.run("migrate", "--url", url, "--schema", schema);
        assertEquals(0, r.code(), r.toString());
        assertEquals(PQ.latestSchemaVersion(), version());
    }

    @Test
    void missingUrl_isAUsageError() {
        Cli.Result r = Cli.run("migrate", "--schema", schema);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--url") && r.err().contains(Main.URL_ENV), r.err());
    }

    @Test
    void badUrl_isAUsageError() {
        Cli.Result r = Cli.run("migrate", "--url", "mysql://localhost/x");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("'--url'") && r.err().contains("mysql://localhost/x"), r.err());
    }

    @Test
    void unreachableDatabase_isARuntimeFailure() {
        Cli.Result r = Cli.run("migrate", "--url",
                "jdbc:postgresql://127.0.0.1:1/nowhere?user=x&password=secret&connectTimeout=2");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().startsWith("pq migrate: error:"), r.err());
        assertTrue(!r.err().contains("secret"), "password leaked: " + r.err());
    }

    @Test
    void print_showsTheSqlWithoutRunningIt_fromTheDatabasesVersion_orFromGivenOneWithoutADatabase() {
        Cli.Result r = Cli.db(schema, List.of("migrate", "--print"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("CREATE TABLE \"" + schema + "\".\"queue\""), r.out());
        assertEquals(0, version(), "nothing was run");

        Cli.Result noDb = Cli.run("migrate", "--print", "--from", "2", "--to", "3", "--schema", "app", "--table", "jobs");
        assertEquals(0, noDb.code(), noDb.toString());
        assertTrue(noDb.out().contains("ALTER TABLE \"app\".\"jobs\" RENAME COLUMN expired_at TO failed_at"), noDb.out());
        assertTrue(!noDb.out().contains("CREATE TABLE \"app\".\"jobs\""), "only the steps from 2 to 3");

        Cli.Result bad = Cli.run("migrate", "--from", "1");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--from goes with --print"), bad.err());
    }
}
