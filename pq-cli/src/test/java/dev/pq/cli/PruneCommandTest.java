package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.internal.Internals;
import dev.pq.tasks.internal.Pruning;
import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code pq prune}, run as a user runs it; the table says what went. */
class PruneCommandTest extends PgTest {
    @BeforeEach
    void rows() {
        // per queue a and b: finished 2 days and 2 hours ago, failed 20 and 10 days ago, cancelled 20 days
        // ago, and pending jobs (ready, and scheduled 30 days ago), all enqueued 60 days ago
        for (String q : List.of("a", "b")) {
            insert(q, "now() - interval '2 days'", "NULL", "NULL", "NULL");
            insert(q, "now() - interval '2 hours'", "NULL", "NULL", "NULL");
            insert(q, "NULL", "now() - interval '20 days'", "NULL", "NULL");
            insert(q, "NULL", "now() - interval '10 days'", "NULL", "NULL");
            insert(q, "NULL", "now() - interval '20 days'", "now() - interval '20 days'", "NULL");
            insert(q, "NULL", "NULL", "NULL", "NULL");
            insert(q, "NULL", "NULL", "NULL", "now() - interval '30 days'");
        }
    }

    private void insert(String queue, String finished, String failed, String cancelled, String scheduleAt) {
        TestDatabase.execute("INSERT INTO " + table() + " (queue, task, data, enqueued_at, finished_at, failed_at, "
                + "cancelled_at, schedule_at) VALUES ('" + queue + "', 't', '[]', now() - interval '60 days', " + finished
                + ", " + failed + ", " + cancelled + ", " + scheduleAt + ")");
    }

    private long kept(String queue) {
        return queryLong("SELECT count(*) FROM " + table() + " WHERE queue = ? AND (finished_at IS NOT NULL "
                + "OR failed_at IS NOT NULL)", queue);
    }

    private long pending() {
        return queryLong("SELECT count(*) FROM " + table() + " WHERE finished_at IS NULL AND failed_at IS NULL");
    }

    @Test
    void prune_withTheDefaults_deletesWhatIsPastTheirAge_andSaysSo() {
        Cli.Result r = Cli.db(schema, List.of("prune"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("pruned 2 finished, 2 failed, 2 cancelled jobs and 0 expired unique claims in "),
                r.out());
        assertEquals(2, kept("a"));
        assertEquals(2, kept("b"));
        assertEquals(4, pending());
    }

    @Test
    void prune_agesCountsAndQueue_fromTheOptions() {
        Cli.Result r = Cli.db(schema, List.of("prune"), "--finished", "1h", "--failed", "forever", "--cancelled",
                "forever", "--queue", "a");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("pruned 2 finished, 0 failed, 0 cancelled jobs"), r.out());
        assertTrue(r.out().contains("(queues a)"), r.out());
        assertEquals(3, kept("a"));
        assertEquals(5, kept("b"), "another queue is left alone");

        Cli.Result count = Cli.db(schema, List.of("prune"), "--finished", "forever", "--failed", "forever",
                "--keep-failed", "1", "--cancelled", "forever");
        assertEquals(0, count.code(), count.toString());
        assertTrue(count.out().startsWith("pruned 0 finished, 2 failed, 0 cancelled"), count.out());
        assertEquals(2, kept("a"), "a's newest failed job stays, and its cancelled one");
        assertEquals(4, kept("b"));
        assertEquals(4, pending());
    }

    @Test
    void prune_saysSo_whenAnotherProcessIsPruning() throws Exception {
        try (Connection c = TestDatabase.connect(); PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
            ps.setLong(1, Pruning.lockKey(Internals.engine(pq).sql()));
            ps.executeQuery().close();
            Cli.Result r = Cli.db(schema, List.of("prune"));
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("another process is pruning"), r.err());
            assertEquals(5, kept("a"));
        }
    }

    @Test
    void prune_refusesBadValues() {
        Cli.Result age = Cli.db(schema, List.of("prune"), "--finished", "soon");
        assertEquals(2, age.code(), age.toString());
        assertTrue(age.err().contains("--finished"), age.err());
        Cli.Result count = Cli.db(schema, List.of("prune"), "--keep-failed", "-1");
        assertEquals(2, count.code(), count.toString());
        Cli.Result batch = Cli.db(schema, List.of("prune"), "--batch-size", "0");
        assertEquals(2, batch.code(), batch.toString());
        assertTrue(batch.err().contains("batchSize must be between 1 and 100000"), batch.err());
        assertEquals(5, kept("a"), "nothing was pruned");
    }
}
