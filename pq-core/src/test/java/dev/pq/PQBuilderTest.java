package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** How a PQ is built (data source, one connection, URL), validated and closed. */
class PQBuilderTest extends PgTest {

    // ---- sources ------------------------------------------------------------------------------

    @Test
    void create_fromDataSource_putsAndGets_andLeavesTheDataSourceOpen() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabase.url());
        config.setMaximumPoolSize(3);
        try (HikariDataSource ds = new HikariDataSource(config)) {
            try (PQ other = PQ.builder().dataSource(ds).schema(schema).build()) {
                Queue<Object> q = other.queue("apples");
                long id = q.put(Map.of("kind", "Cox"));
                Job<Object> job = q.get(Duration.ofSeconds(5)).orElseThrow();
                assertEquals(id, job.id());
                assertEquals(Map.of("kind", "Cox"), job.data());
            }
            assertFalse(ds.isClosed(), "PQ must not close a data source it was given");
            try (Connection c = ds.getConnection()) {
                assertTrue(c.isValid(2));
            }
        }
    }

    @Test
    void create_fromPlainDataSource_withoutPool_works() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(TestDatabase.url());
        try (PQ other = PQ.create(ds)) {
            assertEquals("public", other.schema());
            assertEquals("queue", other.table());
        }
        try (PQ other = PQ.builder().dataSource(ds).schema(schema).build()) {
            Queue<Object> q = other.queue("plain");
            q.put("one");
            assertEquals("one", q.get(Duration.ofSeconds(5)).orElseThrow().data());
        }
    }

    @Test
    void create_fromOneConnection_threadsTakeTurns_andConnectionStaysOpen() throws Exception {
        try (Connection c = TestDatabase.connect()) {
            try (PQ shared = PQ.builder().connection(c).schema(schema).build()) {
                Queue<Object> q = shared.queue("turns");
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<List<Long>>> puts = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        int thread = t;
                        puts.add(pool.submit(() -> {
                            List<Long> ids = new ArrayList<>();
                            for (int i = 0; i < 50; i++) {
                                ids.add(q.put(List.of(thread, i)));
                            }
                            return ids;
                        }));
                    }
                    Set<Long> putIds = new HashSet<>();
                    for (Future<List<Long>> f : puts) {
                        putIds.addAll(f.get(60, TimeUnit.SECONDS));
                    }
                    assertEquals(200, putIds.size());

                    List<Future<List<Long>>> gets = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        gets.add(pool.submit(() -> {
                            List<Long> ids = new ArrayList<>();
                            for (Job<Object> j : q.untilIdle(Duration.ofMillis(300))) {
                                ids.add(j.id());
                            }
                            return ids;
                        }));
                    }
                    List<Long> got = new ArrayList<>();
                    for (Future<List<Long>> f : gets) {
                        got.addAll(f.get(60, TimeUnit.SECONDS));
                    }
                    assertEquals(200, got.size(), "every job exactly once");
                    assertEquals(putIds, new HashSet<>(got));
                } finally {
                    pool.shutdownNow();
                }
            }
            assertFalse(c.isClosed(), "PQ must not close a connection it was given");
            assertTrue(c.getAutoCommit());
            assertTrue(c.isValid(2));
        }
    }

    @Test
    void create_fromOneConnection_blockingGet_isWokenByAPutFromAnotherThread() throws Exception {
        try (Connection c = TestDatabase.connect();
             PQ shared = PQ.builder().connection(c).schema(schema).pollInterval(Duration.ofSeconds(30)).build()) {
            Queue<Object> q = shared.queue("shared-wait");
            CompletableFuture<Job<Object>> getter = CompletableFuture.supplyAsync(
                    () -> q.get(Duration.ofSeconds(20)).orElse(null));
            Thread.sleep(500);
            long t0 = System.nanoTime();
            long id = q.put("wake up");
            Job<Object> job = getter.get(30, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(id, job.id());
            assertTrue(ms < 10_000, "woken by the notification, not by the 20 s timeout: " + ms + " ms");
        }
    }

    @Test
    void close_ofAPQOverAGivenConnection_stopsListeningOnIt() throws Exception {
        try (Connection c = TestDatabase.connect()) {
            PQ shared = PQ.builder().connection(c).schema(schema).build();
            assertTrue(shared.queue("a").get(Duration.ofMillis(300)).isEmpty()); // starts the listener
            assertEquals(2, listeningChannels(c), "listening while open (the table's channel and its control channel)");
            shared.close();
            assertEquals(0, listeningChannels(c), "a caller's connection must not keep collecting notifications");
        }
    }

    @Test
    void close_ofAPQOverAGivenPool_returnsTheListenerConnectionUnlistened() throws Exception {
        String app = "pq_given_" + System.nanoTime();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabase.url("ApplicationName=" + app));
        config.setMaximumPoolSize(3);
        try (HikariDataSource ds = new HikariDataSource(config)) {
            PQ given = PQ.builder().dataSource(ds).schema(schema).build();
            assertTrue(given.queue("a").get(Duration.ofMillis(300)).isEmpty());
            assertEquals(1, queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = ? "
                    + "AND query LIKE 'LISTEN %'", app));
            given.close();
            assertEquals(0, queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = ? "
                    + "AND query LIKE 'LISTEN %'", app), "the listener connection was UNLISTENed");
            for (int i = 0; i < 3; i++) {
                try (Connection c = ds.getConnection()) {
                    assertEquals(0, listeningChannels(c), "no pooled connection still listens");
                }
            }
        }
    }

    private static long listeningChannels(Connection c) throws Exception {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM pg_listening_channels()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void create_fromConnectionNotInAutoCommit_isRejected() throws Exception {
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PQ.builder().connection(c).schema(schema).build());
            assertTrue(e.getMessage().contains("auto-commit"), e.getMessage());
        }
    }

    @Test
    void connect_fromUrl_ownsItsPool_andClosesIt() throws Exception {
        String app = "pq_owned_" + System.nanoTime();
        PQ owned = PQ.builder().url(TestDatabase.url("ApplicationName=" + app)).schema(schema).poolSize(3).build();
        Queue<Object> q = owned.queue("owned");
        q.put("x");
        assertEquals("x", q.get(Duration.ofSeconds(5)).orElseThrow().data());
        assertTrue(backends(app) >= 1, "the pool has connections while open");
        assertTrue(backends(app) <= 3, "at most poolSize connections");
        owned.close();
        assertTrue(owned.isClosed());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (backends(app) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, backends(app), "closing the PQ closes the pool it owns");
        owned.close(); // idempotent
    }

    @Test
    void connect_acceptsPostgresStyleUrls() {
        assertEquals("jdbc:postgresql://db.example:5433/app?sslmode=disable&user=bob&password=s3cret",
                PQ.jdbcUrl("postgres://bob:s3cret@db.example:5433/app?sslmode=disable"));
        assertEquals("jdbc:postgresql://localhost/app?user=bob", PQ.jdbcUrl("postgresql://bob@/app"));
        assertEquals("jdbc:postgresql://h/x", PQ.jdbcUrl("jdbc:postgresql://h/x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PQ.jdbcUrl("mysql://bob:s3cret@h/app"));
        assertFalse(e.getMessage().contains("s3cret"), "the password is masked: " + e.getMessage());
        assertTrue(e.getMessage().contains("mysql://bob:***@h/app"), e.getMessage());
    }

    private long backends(String app) {
        return queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", app);
    }

    // ---- validation -------------------------------------------------------------------------

    @Test
    void build_rejectsNoSource() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PQ.builder().build());
        assertEquals("exactly one of url, dataSource and connection must be set: 0 set", e.getMessage());
    }

    @Test
    void build_rejectsTwoSources() throws Exception {
        try (Connection c = TestDatabase.connect()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PQ.builder().url(TestDatabase.url()).connection(c).build());
            assertTrue(e.getMessage().contains("exactly one of url, dataSource and connection"), e.getMessage());
            assertTrue(e.getMessage().contains("2 set"), e.getMessage());
        }
    }

    @Test
    void build_rejectsTableThatIsNotAnIdentifier() {
        for (String bad : List.of("my-queue", "queue; DROP TABLE x", "1queue", "", "a\"b", "x".repeat(49))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PQ.builder().url(TestDatabase.url()).table(bad).build(), bad);
            assertTrue(e.getMessage().startsWith("table must be an identifier"), e.getMessage());
            assertTrue(e.getMessage().contains("\"" + bad + "\""), "names the value: " + e.getMessage());
        }
    }

    @Test
    void build_rejectsSchemaThatIsNotAnIdentifier() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PQ.builder().url(TestDatabase.url()).schema("public.evil").build());
        assertTrue(e.getMessage().startsWith("schema must be an identifier"), e.getMessage());
        assertTrue(e.getMessage().contains("\"public.evil\""), e.getMessage());
        assertThrows(NullPointerException.class, () -> PQ.builder().url(TestDatabase.url()).schema(null).build());
    }

    @Test
    void build_rejectsNegativeTimeout() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PQ.builder().url(TestDatabase.url()).defaultTimeout(Duration.ofSeconds(-1)).build());
        assertEquals("defaultTimeout must be >= 0: PT-1S", e.getMessage());
    }

    @Test
    void build_rejectsPollIntervalUnder10ms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PQ.builder().url(TestDatabase.url()).pollInterval(Duration.ofMillis(1)).build());
        assertTrue(e.getMessage().startsWith("pollInterval must be >= 10ms: "), e.getMessage());
        assertTrue(e.getMessage().contains("PT0.001S"), "names the value: " + e.getMessage());
        // the limit itself is accepted
        PQ.builder().url(TestDatabase.url()).schema(schema).poolSize(2).pollInterval(Duration.ofMillis(10)).build().close();
    }

    @Test
    void build_rejectsPoolSizeUnderOne() {
        for (int size : new int[] {0, -3}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PQ.builder().url(TestDatabase.url()).poolSize(size).build());
            assertTrue(e.getMessage().startsWith("poolSize must be >= 1"), e.getMessage());
            assertTrue(e.getMessage().endsWith(": " + size), "names the value: " + e.getMessage());
        }
    }

    @Test
    void poolOfOne_servesABlockingGet_theListenerIsOutsideTheOwnedPool() throws Exception {
        try (PQ one = builder().poolSize(1).build()) {
            Queue<Object> q = one.queue("tiny");
            q.put("ready");
            assertEquals("ready", q.get(Duration.ofSeconds(5)).orElseThrow().data());
            CompletableFuture<Optional<Job<Object>>> waiting =
                    CompletableFuture.supplyAsync(() -> q.get(Duration.ofSeconds(20)));
            Thread.sleep(300);
            q.put("later");
            assertEquals("later", waiting.get(30, TimeUnit.SECONDS).orElseThrow().data());
        }
    }

    @Test
    void smallestPool_servesABlockingGetBesideTheListener() throws Exception {
        try (PQ two = builder().poolSize(2).build()) {
            Queue<Object> q = two.queue("small");
            q.put("ready");
            Job<Object> job = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> q.get(Duration.ofSeconds(1)))
                    .orElseThrow();
            assertEquals("ready", job.data());
            CompletableFuture<Job<Object>> getter = CompletableFuture.supplyAsync(
                    () -> q.get(Duration.ofSeconds(10)).orElse(null));
            Thread.sleep(300);
            long id = q.put("later");
            assertEquals(id, getter.get(20, TimeUnit.SECONDS).id());
        }
    }

    @Test
    void build_withCustomTableAndSchema_usesThatTable() {
        try (PQ other = builder().table("jobs_2").build()) {
            other.migrate();
            other.queue("q").put("x");
            assertEquals(1, queryLong("SELECT count(*) FROM " + schema + ".jobs_2"));
            assertEquals(0, rowCount(), "the default table is untouched");
            assertEquals("PQ[" + schema + ".jobs_2]", other.toString());
        }
    }

    // ---- closed --------------------------------------------------------------------------------

    @Test
    void closedPQ_rejectsEveryOperation_andWritesNothing() {
        Queue<Object> q = pq.queue("apples");
        pq.close();
        assertTrue(pq.isClosed());
        assertThrows(PQClosedException.class, () -> q.put("x"));
        assertThrows(PQClosedException.class, () -> q.putAll(List.of("x", "y")));
        assertThrows(PQClosedException.class, () -> q.get());
        assertThrows(PQClosedException.class, () -> q.get(Duration.ofSeconds(1)));
        assertThrows(PQClosedException.class, q::poll);
        assertThrows(PQClosedException.class, q::transaction);
        assertThrows(PQClosedException.class, q::size);
        assertThrows(PQClosedException.class, q::clear);
        assertThrows(PQClosedException.class, () -> pq.queue("apples"));
        assertThrows(PQClosedException.class, () -> pq.queue("pears"));
        assertThrows(PQClosedException.class, () -> pq.queues());
        assertThrows(PQClosedException.class, () -> pq.migrate());
        PQClosedException e = assertThrows(PQClosedException.class, () -> q.put("x"));
        assertTrue(e.getMessage().contains(schema + ".queue"), "names the PQ: " + e.getMessage());
        assertEquals(0, rowCount());
        assertTrue(pq.toString().endsWith(", closed]"), pq.toString());
        pq.close(); // idempotent
    }

    @Test
    void close_wakesABlockedGetter_whichThrowsPQClosedException() throws Exception {
        Queue<Object> q = pq.queue("apples");
        CompletableFuture<Object> getter = CompletableFuture.supplyAsync(() -> q.get(Duration.ofSeconds(30)));
        Thread.sleep(500);
        pq.close();
        Throwable failure = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            try {
                getter.get();
                return null;
            } catch (java.util.concurrent.ExecutionException e) {
                return e.getCause();
            }
        });
        assertTrue(failure instanceof PQClosedException, "got " + failure);
    }

    @Test
    void queues_fromTwoPQsOnTheSameTable_seeEachOther() {
        try (PQ other = builder().poolSize(2).build()) {
            other.queue("shared").put("from other");
            assertEquals("from other", pq.queue("shared").poll().orElseThrow().data());
            assertNotSame(other.queue("shared"), pq.queue("shared"));
        }
        assertEquals(Collections.emptyList(), pq.queues());
    }
}
