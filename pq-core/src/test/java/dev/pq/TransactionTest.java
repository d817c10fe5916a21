package dev.pq;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Transaction scopes: the job's removal and the caller's writes commit or roll back together. */
class TransactionTest extends PgTest {

    @BeforeEach
    void callersTable() {
        TestDatabase.execute("CREATE TABLE " + schema + ".eaten (job_id bigint PRIMARY KEY, kind text)");
    }

    private long eaten() {
        return queryLong("SELECT count(*) FROM " + schema + ".eaten");
    }

    private void eat(Transaction<Object> tx, Job<Object> job) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "INSERT INTO " + schema + ".eaten (job_id, kind) VALUES (?, ?)")) {
            ps.setLong(1, job.id());
            ps.setString(2, String.valueOf(((Map<?, ?>) job.data()).get("kind")));
            ps.executeUpdate();
        }
    }

    @Test
    void commit_removesTheJob_andSavesTheCallersWrites() throws Exception {
        Queue<Object> q = pq.queue("apples");
        long id = q.put(Map.of("kind", "Cox"));
        try (Transaction<Object> tx = q.transaction()) {
            Job<Object> job = tx.get().orElseThrow();
            assertEquals(id, job.id());
            eat(tx, job);
            assertEquals(1, rowCount(), "not removed before commit");
            assertEquals(0, eaten(), "the caller's write is not visible before commit");
            tx.commit();
        }
        assertEquals(0, rowCount());
        assertEquals("Cox", queryOne("SELECT kind FROM " + schema + ".eaten WHERE job_id = ?", id));
        assertTrue(q.poll().isEmpty());
    }

    @Test
    void closeWithoutCommit_rollsBackBoth_andTheJobIsAvailableAtOnce() throws Exception {
        Queue<Object> q = pq.queue("apples");
        long id = q.put(Map.of("kind", "Cox"));
        try (Transaction<Object> tx = q.transaction()) {
            eat(tx, tx.get().orElseThrow());
        }
        assertEquals(0, eaten());
        assertEquals(1, rowCount());
        Job<Object> again = q.poll().orElseThrow(() -> new AssertionError("the job did not come back at once"));
        assertEquals(id, again.id());
        assertEquals(Map.of("kind", "Cox"), again.data());
    }

    @Test
    void exception_rollsBackBoth() {
        Queue<Object> q = pq.queue("apples");
        long id = q.put(Map.of("kind", "Cox"));
        IllegalStateException boom = assertThrows(IllegalStateException.class, () -> {
            try (Transaction<Object> tx = q.transaction()) {
                eat(tx, tx.get().orElseThrow());
                throw new IllegalStateException("the apple was rotten");
            }
        });
        assertEquals("the apple was rotten", boom.getMessage());
        assertEquals(0, boom.getSuppressed().length, "closing did not fail");
        assertEquals(0, eaten());
        assertEquals(id, q.poll().orElseThrow().id());
    }

    @Test
    void rollback_returnsEveryJobTaken_andCommitRemovesEveryJobTaken() {
        Queue<Object> q = pq.queue("apples");
        long[] ids = q.putAll(List.of("a", "b", "c"));
        try (Transaction<Object> tx = q.transaction()) {
            assertEquals(ids[0], tx.poll().orElseThrow().id());
            assertEquals(ids[1], tx.get(Duration.ofSeconds(1)).orElseThrow().id());
            assertEquals(List.of(ids[0], ids[1]), tx.jobs().stream().map(Job::id).toList());
            tx.rollback();
        }
        assertEquals(3, rowCount());
        try (Transaction<Object> tx = q.transaction()) {
            tx.poll().orElseThrow();
            tx.poll().orElseThrow();
            tx.commit();
        }
        assertEquals(1, rowCount());
        assertEquals(ids[2], q.poll().orElseThrow().id());
    }

    @Test
    void waitingGetter_getsTheJobAfterARollback() throws Exception {
        Queue<Object> q = pq.queue("apples");
        long id = q.put(Map.of("kind", "Cox"));
        Transaction<Object> tx = q.transaction();
        try {
            tx.get().orElseThrow();
            CompletableFuture<Optional<Job<Object>>> other = CompletableFuture.supplyAsync(
                    () -> q.get(Duration.ofSeconds(20)));
            Thread.sleep(1000);
            assertFalse(other.isDone(), "the held job is not handed out");
            tx.rollback();
            assertEquals(id, other.get(30, TimeUnit.SECONDS).orElseThrow().id());
        } finally {
            tx.close();
        }
    }

    @Test
    void rollback_notifiesAWaitingGetter() throws Exception {
        // The waiter sees the held job and backs off (polling every 30 s at most here); only the
        // rollback's notification can bring it back within a second or two.
        try (PQ slow = builder().poolSize(4).pollInterval(Duration.ofSeconds(30)).build()) {
            Queue<Object> q = slow.queue("apples");
            long id = q.put(Map.of("kind", "Cox"));
            Transaction<Object> tx = q.transaction();
            try {
                tx.get().orElseThrow();
                CompletableFuture<Optional<Job<Object>>> other = CompletableFuture.supplyAsync(
                        () -> q.get(Duration.ofSeconds(60)));
                Thread.sleep(3500);
                assertFalse(other.isDone());
                long t0 = System.nanoTime();
                tx.close();
                assertEquals(id, other.get(60, TimeUnit.SECONDS).orElseThrow().id());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 2_000, "taken " + ms + " ms after the rollback");
            } finally {
                tx.close();
            }
        }
    }

    @Test
    void transactionalGet_waits_andIsWokenByAPut() throws Exception {
        Queue<Object> q = pq.queue("apples");
        CompletableFuture<Long> putter = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return q.put(Map.of("kind", "Cox"));
        });
        try (Transaction<Object> tx = q.transaction()) {
            Job<Object> job = tx.get(Duration.ofSeconds(20)).orElseThrow();
            assertEquals(putter.get(10, TimeUnit.SECONDS), job.id());
            eat(tx, job);
            tx.commit();
        }
        assertEquals(1, eaten());
        assertEquals(0, rowCount());
    }

    @Test
    void afterTheEnd_commitAndEverythingElseThrowIllegalState() {
        Queue<Object> q = pq.queue("apples");
        q.put(Map.of("kind", "Cox"));
        Transaction<Object> tx = q.transaction();
        tx.get().orElseThrow();
        tx.commit();
        IllegalStateException e = assertThrows(IllegalStateException.class, tx::commit);
        assertTrue(e.getMessage().contains("apples"), e.getMessage());
        assertTrue(e.getMessage().contains("already ended"), e.getMessage());
        assertThrows(IllegalStateException.class, tx::rollback);
        assertThrows(IllegalStateException.class, tx::get);
        assertThrows(IllegalStateException.class, tx::poll);
        assertThrows(IllegalStateException.class, tx::connection);
        assertDoesNotThrow(tx::close);
        assertDoesNotThrow(tx::close);

        Transaction<Object> rolledBack = q.transaction();
        rolledBack.rollback();
        assertThrows(IllegalStateException.class, rolledBack::commit);
        rolledBack.close();

        Transaction<Object> closed = q.transaction();
        closed.close();
        assertThrows(IllegalStateException.class, closed::commit);
        assertEquals(0, rowCount());
    }

    @Test
    void emptyTransaction_commitsNothing() {
        Queue<Object> q = pq.queue("apples");
        try (Transaction<Object> tx = q.transaction()) {
            assertTrue(tx.poll().isEmpty());
            assertTrue(tx.jobs().isEmpty());
            tx.commit();
        }
        assertEquals(0, rowCount());
    }

    @Test
    void transactions_returnTheirConnections_toASmallPool() {
        try (PQ small = builder().poolSize(2).build()) {
            Queue<Object> q = small.queue("apples");
            for (int i = 0; i < 20; i++) {
                q.put(Map.of("kind", "n" + i));
                try (Transaction<Object> tx = q.transaction()) {
                    tx.get(Duration.ofSeconds(5)).orElseThrow(); // starts the listener: one connection left
                    if (i % 2 == 0) {
                        tx.commit();
                    }
                }
                if (i % 2 == 1) {
                    q.poll().orElseThrow();
                }
            }
        }
        assertEquals(0, rowCount());
    }

    @Test
    void close_afterThePQWasClosed_isSafe() {
        Queue<Object> q = pq.queue("apples");
        q.put(Map.of("kind", "Cox"));
        Transaction<Object> tx = q.transaction();
        tx.get().orElseThrow();
        pq.close();
        assertThrows(PQClosedException.class, tx::commit);
        assertDoesNotThrow(tx::close);
        assertEquals(1, rowCount(), "not committed: the job stays");
    }
}
