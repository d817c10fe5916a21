package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.internal.Internals;
import dev.pq.tasks.Retention.Kind;
import dev.pq.tasks.Retention.Keep;
import dev.pq.tasks.internal.Pruning;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Retention: kept rows past their age or count go, in batches, under one pruning lock per table;
 * newer kept rows and every pending job stay; a failing prune never stops a worker.
 */
@Timeout(120)
class RetentionTest extends TasksTestBase {
    public interface Work {
        @Task(queue = "work")
        void run(int n);
    }

    private final Set<Integer> ran = ConcurrentHashMap.newKeySet();
    private Tasks tasks;
    private Admin admin;

    @BeforeEach
    void setUp() {
        tasks = Tasks.create(pq).register(Work.class, ran::add);
        admin = tasks.admin();
    }

    /** Inserts {@code n} rows of {@code queue}; {@code columns} are SQL expressions of the series index i. */
    private List<Long> insert(String queue, int n, String finished, String failed, String cancelled, String scheduleAt) {
        return rows("INSERT INTO " + table() + " (queue, task, data, enqueued_at, finished_at, failed_at, cancelled_at, "
                + "schedule_at, error_count) SELECT ?, 'work', '[1]', now() - interval '60 days', " + finished + ", "
                + failed + ", " + cancelled + ", " + scheduleAt + ", 0 FROM generate_series(1, ?) AS i RETURNING id",
                queue, n).stream().map(r -> (Long) r.get("id")).toList();
    }

    private List<Long> finished(String queue, int n, String age) {
        return insert(queue, n, "now() - interval '" + age + "'", "NULL", "NULL", "NULL");
    }

    private List<Long> failed(String queue, int n, String age) {
        return insert(queue, n, "NULL", "now() - interval '" + age + "'", "NULL", "NULL");
    }

    private List<Long> cancelled(String queue, int n, String age) {
        return insert(queue, n, "NULL", "now() - interval '" + age + "'", "now() - interval '" + age + "'", "NULL");
    }

    private long present(List<Long> ids) {
        return count("SELECT count(*) FROM " + table() + " WHERE id = ANY(?)", (Object) ids.toArray(Long[]::new));
    }

    private long lockKey() {
        return Pruning.lockKey(Internals.engine(pq).sql());
    }

    @Test
    void prune_deletesKeptRowsPastTheirAge_keepsNewerOnes_andNeverTouchesPendingJobs() {
        List<Long> oldFinished = finished("work", 120, "2 days"); // one timestamp for all: batches must cope with ties
        List<Long> newFinished = finished("work", 3, "23 hours");
        List<Long> oldFailed = failed("work", 4, "15 days");
        List<Long> newFailed = failed("work", 2, "13 days");
        List<Long> oldCancelled = cancelled("work", 5, "15 days");
        List<Long> newCancelled = cancelled("work", 2, "13 days");
        // pq's kept-history get: finished_at and dequeued_at set; a finished row like any other
        List<Long> keptGets = finished("history", 3, "3 days");
        exec("UPDATE " + table() + " SET dequeued_at = finished_at WHERE id = ANY(?)", (Object) keptGets.toArray(Long[]::new));
        // pending, all enqueued 60 days ago: ready, scheduled long due, scheduled ahead, retrying
        List<Long> pending = new java.util.ArrayList<>(insert("work", 3, "NULL", "NULL", "NULL", "NULL"));
        pending.addAll(insert("work", 2, "NULL", "NULL", "NULL", "now() - interval '30 days'"));
        pending.addAll(insert("work", 2, "NULL", "NULL", "NULL", "now() + interval '30 days'"));
        List<Long> retrying = insert("work", 2, "NULL", "NULL", "NULL", "now() + interval '1 hour'");
        exec("UPDATE " + table() + " SET error_count = 3, last_error_message = 'boom' WHERE id = ANY(?)",
                (Object) retrying.toArray(Long[]::new));
        pending.addAll(retrying);

        Pruned p = admin.prune(Retention.defaults().batchSize(7).batchPause(Duration.ZERO));

        assertTrue(p.ran());
        assertEquals(123, p.finished(), p.toString());
        assertEquals(4, p.failed(), p.toString());
        assertEquals(5, p.cancelled(), p.toString());
        assertEquals(0, present(oldFinished) + present(oldFailed) + present(oldCancelled) + present(keptGets));
        assertEquals(3, present(newFinished));
        assertEquals(2, present(newFailed));
        assertEquals(2, present(newCancelled));
        assertEquals(pending.size(), present(pending));
        assertEquals(pending.size(), pending());
        assertEquals(2, count("SELECT count(*) FROM " + table() + " WHERE error_count = 3 AND last_error_message = 'boom' "
                + "AND finished_at IS NULL AND failed_at IS NULL"), "the retrying rows keep their state");

        Pruned again = admin.prune(Retention.defaults());
        assertEquals(0, again.total(), "a second prune finds nothing: " + again);
    }

    @Test
    void countPerQueue_keepsTheNewestOfEachQueue() {
        // distinct ages: row i of "big" finished i minutes ago, so the newest are the first ids
        List<Long> big = insert("big", 50, "now() - i * interval '1 minute'", "NULL", "NULL", "NULL");
        List<Long> small = insert("small", 4, "now() - i * interval '1 minute'", "NULL", "NULL", "NULL");
        List<Long> failedBig = insert("big", 8, "NULL", "now() - i * interval '1 minute'", "NULL", "NULL");

        Pruned p = admin.prune(Retention.none().finished(Keep.count(10)).failed(Keep.of(Duration.ofDays(365), 3))
                .batchSize(4).batchPause(Duration.ZERO));

        assertEquals(40, p.finished(), p.toString());
        assertEquals(5, p.failed(), p.toString());
        assertEquals(10, present(big.subList(0, 10)), "the newest ten of big stay");
        assertEquals(0, present(big.subList(10, 50)));
        assertEquals(4, present(small), "a queue under the count keeps all");
        assertEquals(3, present(failedBig.subList(0, 3)));
        assertEquals(0, present(failedBig.subList(3, 8)));

        Pruned none = admin.prune(Retention.none().finished(Keep.count(0)));
        assertEquals(14, none.finished(), "a count of 0 keeps none: " + none);
        assertEquals(3, count("SELECT count(*) FROM " + table()));
    }

    @Test
    void aQueueOverride_keepsThatQueueLonger_andOnlyForTheKindItNames() {
        List<Long> audit = finished("audit", 3, "10 days");
        List<Long> auditFailed = failed("audit", 2, "15 days");
        List<Long> other = finished("other", 3, "10 days");
        List<Long> shortLived = finished("scratch", 2, "2 minutes");
        Retention r = Retention.defaults().queue("audit", Kind.FINISHED, Keep.age(Duration.ofDays(30)))
                .queue("scratch", Kind.FINISHED, Keep.age(Duration.ofMinutes(1)));
        assertEquals(Keep.age(Duration.ofDays(30)), r.limit("audit", Kind.FINISHED));
        assertEquals(r.limit(Kind.FAILED), r.limit("audit", Kind.FAILED));

        Pruned p = admin.prune(r);

        assertEquals(3, present(audit));
        assertEquals(0, present(auditFailed));
        assertEquals(0, present(other));
        assertEquals(0, present(shortLived));
        assertEquals(7, p.jobs(), p.toString());
    }

    @Test
    void expiredUniqueClaims_areDeleted_liveOnesKept() {
        String claims = schema + ".queue_unique";
        exec("INSERT INTO " + claims + " (key, job_id, expires_at) SELECT 'old-' || i, i, now() - interval '1 second' "
                + "FROM generate_series(1, 2500) AS i");
        exec("INSERT INTO " + claims + " (key, job_id, expires_at) SELECT 'live-' || i, i, now() + interval '1 hour' "
                + "FROM generate_series(1, 10) AS i");
        exec("INSERT INTO " + claims + " (key, job_id, expires_at) VALUES ('', 0, now() - interval '1 day')");

        Pruned p = admin.prune(Retention.none().batchSize(1000).batchPause(Duration.ZERO));

        assertEquals(2501, p.claims(), p.toString());
        assertEquals(10, count("SELECT count(*) FROM " + claims));
        assertEquals(0, count("SELECT count(*) FROM " + claims + " WHERE expires_at < now()"));
    }

    @Test
    void aRowLockedByAnotherSession_isSkipped_notWaitedFor() throws Exception {
        List<Long> old = finished("work", 20, "2 days");
        try (Connection holder = TestDatabase.connect()) {
            holder.setAutoCommit(false);
            try (PreparedStatement ps = holder.prepareStatement("SELECT 1 FROM " + table() + " WHERE id = ? FOR UPDATE")) {
                ps.setLong(1, old.get(5));
                ps.executeQuery().close();
            }
            Pruned p = admin.prune(Retention.defaults().batchSize(3));
            assertEquals(19, p.finished(), p.toString());
            assertEquals(1, present(List.of(old.get(5))));
            holder.rollback();
        }
        assertEquals(1, admin.prune(Retention.defaults()).finished(), "the next prune takes it");
    }

    @Test
    void keptSchedulerRows_go_evenWithNoPendingSchedulerJob() {
        // the scheduler's trigger refuses removing the last pending scheduler job; a kept one is not that
        List<Long> old = finished("pq", 2, "2 days");
        exec("UPDATE " + table() + " SET task = 'pq.scheduler' WHERE id = ANY(?)", (Object) old.toArray(Long[]::new));
        assertEquals(2, admin.prune(Retention.defaults()).finished());
        assertEquals(0, present(old));
    }

    @Test
    void aWorker_prunesOnItsSchedule_whileItWorks() throws InterruptedException {
        List<Long> old = finished("work", 50, "2 days");
        List<Long> young = finished("work", 5, "1 hour");
        Worker w = start(Worker.builder(tasks).workerCount(2)
                .retention(Retention.defaults().interval(Duration.ofMillis(100)).batchSize(10)));
        tasks.client(Work.class).run(1);
        await("old rows pruned", () -> present(old) == 0);
        await("the job ran", () -> ran.contains(1));
        assertEquals(5, present(young));
        await("the run that deleted them counted", () -> w.pruner().deleted() == 50);
    }

    @Test
    void onlyOneSessionPrunes_theOthersSkipWhileItHoldsThePruningLock() throws Exception {
        List<Long> old = finished("work", 30, "2 days");
        try (Connection holder = TestDatabase.connect(); PreparedStatement lock = holder.prepareStatement(
                "SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, lockKey());
            lock.executeQuery().close();

            Pruned skipped = admin.prune(Retention.defaults());
            assertFalse(skipped.ran(), skipped.toString());
            assertEquals(0, skipped.total());

            Retention fast = Retention.defaults().interval(Duration.ofMillis(100));
            Worker a = start(Worker.builder(tasks).workerCount(1).retention(fast));
            Worker b = start(Worker.builder(tasks).workerCount(1).retention(fast));
            await("both workers tried to prune three times",
                    () -> a.pruner().attempts() >= 3 && b.pruner().attempts() >= 3);
            assertEquals(30, present(old), "nobody pruned while the lock was held");
            assertEquals(0, a.pruner().runs() + b.pruner().runs());
            assertEquals(0, a.pruner().failures() + b.pruner().failures(), "skipping is not failing");

            try (PreparedStatement unlock = holder.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, lockKey());
                unlock.executeQuery().close();
            }
            // the counters are added at the end of a run, after its deletes committed
            await("pruned once the lock is free", () -> present(old) == 0
                    && a.pruner().deleted() + b.pruner().deleted() >= 30);
            assertEquals(30, a.pruner().deleted() + b.pruner().deleted(), "each row deleted once");
        }
        // the lock is not left behind by either worker (nor by the one-off prune)
        await("no session holds the pruning lock between runs", () -> count("SELECT count(*) FROM pg_locks "
                + "WHERE locktype = 'advisory' AND objsubid = 1 AND classid = CAST(? AS oid) AND objid = CAST(? AS oid)",
                lockKey() >>> 32, lockKey() & 0xffffffffL) == 0);
    }

    @Test
    void aWorkerKeepsRunning_whenAPruneStatementFails() throws InterruptedException {
        List<Long> old = finished("work", 10, "2 days");
        ddl("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'prune refused by the test'; END $$");
        ddl("CREATE TRIGGER refuse BEFORE DELETE ON queue FOR EACH ROW WHEN (OLD.finished_at IS NOT NULL) "
                + "EXECUTE FUNCTION refuse()");
        Worker w = start(Worker.builder(tasks).workerCount(1)
                .retention(Retention.defaults().interval(Duration.ofMillis(100))));
        await("two prunes failed", () -> w.pruner().failures() >= 2);
        tasks.client(Work.class).run(7);
        await("the worker still works", () -> ran.contains(7));
        assertEquals(10, present(old));

        ddl("DROP TRIGGER refuse ON queue");
        await("the next prune succeeds", () -> present(old) == 0 && w.pruner().runs() >= 1); // counted after its commits
    }

    @Test
    void retention_validatesItsSettings_andKnowsWhenItKeepsEverything() {
        assertThrows(IllegalArgumentException.class, () -> Keep.age(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> Keep.count(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Retention.defaults().interval(Duration.ofMillis(10)));
        assertEquals("interval must be >= 100ms: PT0.01S", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Retention.defaults().batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> Retention.defaults().batchSize(100_001));
        assertThrows(IllegalArgumentException.class, () -> Retention.defaults().batchPause(Duration.ofSeconds(11)));
        assertThrows(IllegalArgumentException.class, () -> Retention.defaults().queue("", Kind.FAILED, Keep.forever()));
        assertThrows(NullPointerException.class, () -> Worker.builder(tasks).retention(null));

        assertTrue(Retention.none().keepsEverything());
        assertFalse(Retention.defaults().keepsEverything());
        assertFalse(Retention.none().queue("a", Kind.FINISHED, Keep.count(5)).keepsEverything());
        assertEquals(Keep.age(Duration.ofDays(1)), Retention.defaults().limit(Kind.FINISHED));
        assertEquals(Keep.age(Duration.ofDays(14)), Retention.defaults().limit(Kind.FAILED));
        assertEquals(Keep.age(Duration.ofDays(14)), Retention.defaults().limit(Kind.CANCELLED));
        assertEquals(Duration.ofMinutes(1), Retention.defaults().interval());
        assertEquals(1000, Retention.defaults().batchSize());
        Retention r = Retention.defaults().batchSize(5);
        assertEquals(Retention.defaults(), Retention.defaults());
        assertFalse(r.equals(Retention.defaults()), "copies leave the original alone");
        assertEquals(Set.of(Kind.FINISHED), r.queue("q", Kind.FINISHED, Keep.forever()).overrides().get("q").keySet()
                .stream().collect(Collectors.toSet()));
    }
}
