package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Schema creation, versions, removal, concurrent migration and the error before migrating. */
class MigrationTest extends PgTest {
    private PQ fresh;

    @BeforeEach
    void unmigratedPQ() {
        pq.migrate(0); // the base class migrated: start every test from nothing
        fresh = pq;
    }

    private Object regclass(String name) {
        return queryOne("SELECT to_regclass(?)::text", schema + "." + name);
    }

    @Test
    void migrateZero_removesTheTableAndTheVersionsTable() {
        assertNull(regclass("queue"));
        assertNull(regclass("pq_schema_versions"));
        assertEquals(0, fresh.schemaVersion());
        assertEquals(0, queryLong("SELECT count(*) FROM pg_indexes WHERE schemaname = ?", schema),
                "no index is left behind");
    }

    @Test
    void migrate_createsTheTable_andRecordsTheVersion() {
        fresh.migrate();
        assertNotNull(regclass("queue"));
        assertNotNull(regclass("pq_schema_versions"));
        assertEquals(PQ.latestSchemaVersion(), fresh.schemaVersion());
        assertEquals((long) PQ.latestSchemaVersion(), queryLong(
                "SELECT version FROM " + schema + ".pq_schema_versions WHERE table_name = 'queue'"));
        fresh.queue("apples").put("Cox");
        assertEquals(1, rowCount());
    }

    @Test
    void version8_makesVacuumCleanTheIndexesAlways_andDownToVersion7ResetsIt() {
        String options = "SELECT CAST(reloptions AS text) FROM pg_class WHERE oid = CAST(? AS regclass)";
        fresh.migrate();
        assertEquals("{fillfactor=90,vacuum_index_cleanup=on}", String.valueOf(queryOne(options, table())));
        fresh.migrate(7);
        assertEquals("{fillfactor=90}", String.valueOf(queryOne(options, table())));
        fresh.migrate();
        assertEquals(PQ.latestSchemaVersion(), fresh.schemaVersion());
    }

    @Test
    void version7_addsTheWaitersRegistry_andDownToVersion6RemovesIt() {
        fresh.migrate();
        assertNotNull(regclass("queue_waiters"));
        assertEquals(1L, queryLong("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                + "WHERE n.nspname = ? AND p.proname = 'queue_notify'", schema));
        fresh.migrate(6);
        assertNull(regclass("queue_waiters"));
        assertEquals(0L, queryLong("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                + "WHERE n.nspname = ? AND p.proname = 'queue_notify'", schema));
        fresh.migrate();
        long id = fresh.queue("apples").put("Cox");
        assertEquals(id, fresh.queue("apples").poll().orElseThrow().id());
    }

    @Test
    void migrate_isIdempotent_andKeepsJobs() {
        fresh.migrate();
        long id = fresh.queue("apples").put("Cox");
        fresh.migrate();
        fresh.migrate(PQ.latestSchemaVersion());
        assertEquals(PQ.latestSchemaVersion(), fresh.schemaVersion());
        assertEquals(1, queryLong("SELECT count(*) FROM " + schema + ".pq_schema_versions"));
        assertEquals(id, fresh.queue("apples").poll().orElseThrow().id());
    }

    @Test
    void migrateZero_afterUse_removesEverything_andMigrateAgainWorks() {
        fresh.migrate();
        fresh.queue("apples").put("Cox");
        fresh.migrate(0);
        assertNull(regclass("queue"));
        assertNull(regclass("pq_schema_versions"));
        assertEquals(0, fresh.schemaVersion());
        fresh.migrate(0); // idempotent at 0 too
        assertNull(regclass("pq_schema_versions"));
        fresh.migrate();
        assertEquals(0, rowCount());
        fresh.queue("apples").put("Golden Delicious");
        assertEquals("Golden Delicious", fresh.queue("apples").poll().orElseThrow().data());
    }

    @Test
    void migrateZero_ofOneTable_keepsTheVersionRowOfAnotherTableInTheSchema() {
        fresh.migrate();
        try (PQ jobs = builder().table("jobs").poolSize(2).build()) {
            jobs.migrate();
            assertEquals(2, queryLong("SELECT count(*) FROM " + schema + ".pq_schema_versions"));
            jobs.migrate(0);
            assertNull(regclass("jobs"));
            assertNotNull(regclass("queue"));
            assertEquals(1, queryLong("SELECT count(*) FROM " + schema + ".pq_schema_versions"));
            assertEquals(0, jobs.schemaVersion());
            assertEquals(PQ.latestSchemaVersion(), fresh.schemaVersion());
        }
    }

    @Test
    void migrate_toAnUnknownVersion_isRejected_andChangesNothing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fresh.migrate(PQ.latestSchemaVersion() + 1));
        assertTrue(e.getMessage().contains(String.valueOf(PQ.latestSchemaVersion() + 1)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> fresh.migrate(-1));
        assertNull(regclass("queue"));
    }

    @Test
    void migrate_refusesATableNewerThanTheLibrary() {
        fresh.migrate();
        TestDatabase.execute("UPDATE " + schema + ".pq_schema_versions SET version = 99");
        PQException e = assertThrows(PQException.class, () -> fresh.migrate());
        assertTrue(e.getMessage().contains("99"), e.getMessage());
        assertTrue(e.getMessage().contains("upgrade pq"), e.getMessage());
        assertNotNull(regclass("queue"));
    }

    @Test
    void migrate_intoAMissingSchema_saysToCreateIt() {
        try (PQ nowhere = builder().schema("pq_no_such_schema").poolSize(2).build()) {
            PQException e = assertThrows(PQException.class, nowhere::migrate);
            assertTrue(e.getMessage().contains("pq_no_such_schema"), e.getMessage());
            assertTrue(e.getMessage().contains("CREATE SCHEMA"), e.getMessage());
        }
    }

    @Test
    void migrate_fromManyConnectionsAtOnce_allSucceed() throws Exception {
        int n = 4;
        List<PQ> pqs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            for (int i = 0; i < n; i++) {
                pqs.add(builder().poolSize(2).build());
            }
            CyclicBarrier start = new CyclicBarrier(n);
            List<Future<Integer>> results = new ArrayList<>();
            for (PQ p : pqs) {
                results.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    p.migrate();
                    return p.schemaVersion();
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(PQ.latestSchemaVersion(), f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            pqs.forEach(PQ::close);
        }
        assertEquals(1, queryLong("SELECT count(*) FROM " + schema + ".pq_schema_versions"));
        fresh.queue("apples").put("Cox");
        assertEquals(1, rowCount());
    }

    @Test
    void put_beforeMigrate_throwsSchemaMissing_sayingToRunMigrate() {
        Queue<Object> q = fresh.queue("apples");
        SchemaMissingException e = assertThrows(SchemaMissingException.class, () -> q.put("Cox"));
        assertTrue(e.getMessage().contains("migrate()"), e.getMessage());
        assertTrue(e.getMessage().contains(schema + ".queue"), "names the table: " + e.getMessage());
        assertNotNull(e.getCause(), "keeps the SQLException");
    }

    @Test
    void everyQueueOperation_beforeMigrate_throwsSchemaMissing() {
        Queue<Object> q = fresh.queue("apples");
        assertThrows(SchemaMissingException.class, () -> q.putAll(List.of("a", "b")));
        assertThrows(SchemaMissingException.class, q::poll);
        assertThrows(SchemaMissingException.class, () -> q.get(Duration.ofMillis(200)));
        assertThrows(SchemaMissingException.class, q::size);
        assertThrows(SchemaMissingException.class, q::clear);
        assertThrows(SchemaMissingException.class, () -> fresh.queues());
        try (Transaction<Object> tx = q.transaction()) {
            assertThrows(SchemaMissingException.class, tx::poll);
        }
        assertEquals(0, fresh.schemaVersion());
    }

    @Test
    void version3_namesTheFailedStateInItsColumn_andKeepsFailedJobs_upAndDown() {
        fresh.migrate(2);
        TestDatabase.execute("INSERT INTO " + table() + " (queue, expired_at, last_error_message) VALUES ('q', now(), 'boom')");
        fresh.migrate(3);
        assertEquals(1L, queryLong("SELECT count(*) FROM " + table() + " WHERE failed_at IS NOT NULL"));
        assertEquals(1L, queryLong("SELECT count(*) FROM pg_indexes WHERE schemaname = ? AND indexname = 'queue_failed_idx'",
                schema));
        fresh.migrate(2);
        assertEquals(1L, queryLong("SELECT count(*) FROM " + table() + " WHERE expired_at IS NOT NULL"));
    }

    @Test
    void migrationScript_appliedByAnotherTool_givesTheSameSchemaAsMigrate() {
        String script = PQ.migrationScript(schema, "queue", 0, PQ.latestSchemaVersion());
        assertTrue(script.contains("V1__queue_table.sql") && script.contains("V3__failed_state.sql"), script);
        TestDatabase.execute(script); // as Flyway would: one script, no pq code
        assertEquals(PQ.latestSchemaVersion(), fresh.schemaVersion());
        fresh.queue("apples").put("Cox");
        assertEquals(1, rowCount());
        TestDatabase.execute(PQ.migrationScript(schema, "queue", PQ.latestSchemaVersion(), 0));
        assertNull(regclass("queue"));
        assertEquals(0, fresh.schemaVersion());
    }
}
