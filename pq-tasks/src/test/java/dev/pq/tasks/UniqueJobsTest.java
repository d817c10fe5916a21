package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Unique jobs: keys given or derived, their scopes, what a duplicate does, in bulk, under concurrency. */
@Timeout(120)
class UniqueJobsTest extends TasksTestBase {
    public interface Billing {
        @Task(name = "billing.charge", queue = "billing")
        @Unique(by = "invoiceId")
        Enqueued charge(long invoiceId, String note);

        @Task(name = "billing.report", queue = "billing")
        @Unique(period = "1h")
        Enqueued report(String day);

        @Task(name = "billing.sync", queue = "billing")
        @Unique(scope = Unique.Scope.WAITING)
        Enqueued sync(String account);

        @Task(name = "billing.refresh", queue = "billing")
        @Unique(by = "account", onDuplicate = Unique.OnDuplicate.REPLACE)
        Enqueued refresh(String account, int version);

        @Task(name = "billing.plain", queue = "billing")
        Enqueued plain(int n);
    }

    public record Mail(String to, String subject) {
    }

    @Unique(by = "to", onDuplicate = Unique.OnDuplicate.RAISE)
    public static final class SendMail implements JobHandler<Mail> {
        @Override
        public void run(Mail args, JobContext job) {
        }
    }

    private Tasks tasks;
    private Billing billing;

    @BeforeEach
    void setUp() {
        tasks = Tasks.create(pq);
        billing = tasks.client(Billing.class);
        tasks.register(new SendMail());
        tasks.register(Billing.class, impl);
    }

    private final BillingStub impl = new BillingStub();
    private final Children children = new Children();

    @org.junit.jupiter.api.AfterEach
    void killChildren() {
        children.close();
    }

    private long pending(String key) {
        return count("SELECT count(*) FROM " + table() + " WHERE unique_key = ? AND finished_at IS NULL AND failed_at IS NULL",
                key);
    }

    @Test
    void aSecondEnqueueOfAHeldKeyAddsNothingAndReturnsTheExistingJob() {
        Enqueue keyed = Enqueue.options().uniqueKey("invoice:42");
        long first = tasks.enqueue("billing.plain", keyed, 1);
        Enqueued second = tasks.client(Billing.class, keyed).plain(2);
        assertTrue(second.duplicate());
        assertFalse(second.replaced());
        assertEquals(first, second.id());
        assertEquals(first, tasks.lastEnqueued().id());
        assertEquals(1, count("SELECT count(*) FROM " + table()));
        assertEquals("[1]", row(first).get("data").toString(), "the first job's arguments are kept");
    }

    @Test
    void aKeyDerivedFromNamedArgumentsIgnoresTheOthers() {
        Enqueued a = billing.charge(7, "first");
        Enqueued b = billing.charge(7, "second");
        Enqueued c = billing.charge(8, "first");
        assertFalse(a.duplicate());
        assertTrue(b.duplicate());
        assertEquals(a.id(), b.id());
        assertFalse(c.duplicate());
        assertEquals("billing.charge:[7]", row(a.id()).get("unique_key"));
    }

    @Test
    void aKeyIsFreeAgainOnceItsJobFinishesFailsOrIsCancelled() {
        Enqueued a = billing.charge(1, "x");
        exec("UPDATE " + table() + " SET finished_at = now() WHERE id = ?", a.id());
        Enqueued b = billing.charge(1, "x");
        assertFalse(b.duplicate());
        exec("UPDATE " + table() + " SET failed_at = now() WHERE id = ?", b.id());
        Enqueued c = billing.charge(1, "x");
        assertFalse(c.duplicate());
        tasks.admin().cancel(c.id(), "no longer needed");
        Enqueued d = billing.charge(1, "x");
        assertFalse(d.duplicate());
        assertEquals(4, Set.of(a.id(), b.id(), c.id(), d.id()).size());
    }

    @Test
    void aKeyHeldWhileWaitingOrRunningIsHeldByARunningJobAndFreedWhenItSucceeds() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        impl.onRun = () -> {
            started.countDown();
            await(release);
        };
        Enqueued a = billing.charge(5, "x");
        start(Worker.builder(tasks).queues("billing"));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        Enqueued during = billing.charge(5, "y");
        assertTrue(during.duplicate(), "held while it runs");
        assertEquals(a.id(), during.id());
        release.countDown();
        await("the first job done", () -> row(a.id()) == null);
        assertFalse(billing.charge(5, "z").duplicate(), "free once it succeeded");
    }

    @Test
    void aKeyHeldWhileWaitingIsReleasedWhenAWorkerStartsTheJob() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        impl.onRun = () -> {
            started.countDown();
            await(release);
        };
        Enqueued a = billing.sync("acme");
        assertTrue(billing.sync("acme").duplicate(), "held while it waits");
        start(Worker.builder(tasks).queues("billing").workerCount(1));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        Enqueued next = billing.sync("acme");
        assertFalse(next.duplicate(), "released as the run started");
        assertTrue(billing.sync("acme").duplicate(), "the new job holds it while it waits");
        release.countDown();
        await("both jobs done", () -> row(a.id()) == null && row(next.id()) == null); // the running job completed despite its new row version
    }

    @Test
    void aPeriodKeyIsHeldForThePeriodWhateverTheJobDoes() {
        Enqueued a = billing.report("2026-12-01");
        exec("DELETE FROM " + table() + " WHERE id = ?", a.id());
        Enqueued b = billing.report("2026-12-01");
        assertTrue(b.duplicate(), "held an hour after the enqueue, though the job is gone");
        assertEquals(a.id(), b.id());
        assertFalse(billing.report("2026-12-02").duplicate());
        Enqueue brief = Enqueue.options().uniqueKey("brief").uniqueFor("300ms");
        long t0 = System.nanoTime();
        Enqueued first = tasks.client(Billing.class, brief).plain(1);
        assertTrue(tasks.client(Billing.class, brief).plain(2).duplicate());
        await("the period over", () -> !tasks.client(Billing.class, brief).plain(3).duplicate());
        assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(300).toNanos(), "not before the period ended");
        assertEquals(1, count("SELECT count(*) FROM " + schema + ".queue_unique WHERE key = 'brief'"));
        assertFalse(first.duplicate());
    }

    @Test
    void replaceModeReplacesAWaitingJobsArgumentsAndKeepsTheLast() {
        Enqueued a = billing.refresh("acme", 1);
        Enqueued b = billing.refresh("acme", 2);
        Enqueued c = tasks.client(Billing.class, Enqueue.options().scheduleAt("1h")).refresh("acme", 3);
        assertTrue(b.replaced());
        assertTrue(c.replaced());
        assertEquals(a.id(), c.id());
        assertEquals(1, count("SELECT count(*) FROM " + table()));
        assertNotEquals(null, row(a.id()).get("schedule_at"), "the schedule replaced too");
    }

    @Test
    void replaceModeWithAnExplicitKeyKeepsTheLastArguments() {
        Enqueue latest = Enqueue.options().uniqueKey("refresh:acme").onDuplicate(Unique.OnDuplicate.REPLACE);
        long id = tasks.client(Billing.class, latest).plain(1).id();
        for (int i = 2; i <= 5; i++) {
            assertEquals(id, tasks.client(Billing.class, latest).plain(i).id());
        }
        assertEquals("[5]", row(id).get("data").toString());
    }

    @Test
    void raiseModeThrowsNamingTheKeyAndTheHolder() {
        long first = tasks.enqueue(SendMail.class, new Mail("ann@example.com", "hello"));
        DuplicateJobException e = assertThrows(DuplicateJobException.class,
                () -> tasks.enqueue(SendMail.class, new Mail("ann@example.com", "again")));
        assertEquals(first, e.existingId());
        assertEquals("SendMail:[\"ann@example.com\"]", e.key());
        assertTrue(e.getMessage().contains("held by job " + first), e.getMessage());
        assertFalse(tasks.submit(SendMail.class, new Mail("bob@example.com", "hi"), Enqueue.options()).duplicate());
    }

    @Test
    void aKeyTakenInATransactionThatRollsBackIsFreeAgain() throws Exception {
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            Enqueued inTx = tasks.client(Billing.class, Enqueue.options().in(c)).charge(9, "x");
            assertFalse(inTx.duplicate());
            c.rollback();
        }
        assertFalse(billing.charge(9, "x").duplicate());
        assertEquals(1, pending("billing.charge:[9]"));
    }

    @Test
    void optionsOfUniquenessWithoutAKeyAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tasks.client(Billing.class, Enqueue.options().uniqueFor("1h")).plain(1));
        assertTrue(e.getMessage().contains("need a unique key"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Enqueue.options().uniqueFor("0s"));
        assertThrows(IllegalArgumentException.class, () -> Enqueue.options().uniqueKey(""));
    }

    @Test
    void aBulkEnqueueSaysWhichJobsWereDuplicatesInsideTheBatchAndAgainstExistingRows() {
        long existing = billing.charge(1, "old").id();
        Bulk bulk = tasks.bulk();
        Billing b = bulk.client(Billing.class);
        b.plain(10);
        b.charge(1, "dup of existing");
        b.charge(2, "new");
        b.charge(2, "dup inside the batch");
        b.plain(11);
        bulk.add("billing.plain", Enqueue.options().priority(5).scheduleAt("1h"), 12);
        List<Enqueued> out = bulk.enqueue();
        assertEquals(6, out.size());
        assertEquals(0, bulk.size());
        assertFalse(out.get(0).duplicate());
        assertEquals(new Enqueued(existing, true, false), out.get(1));
        assertFalse(out.get(2).duplicate());
        assertEquals(new Enqueued(out.get(2).id(), true, false), out.get(3));
        assertTrue(out.get(0).id() < out.get(4).id() && out.get(4).id() < out.get(5).id(), "plain jobs in their order");
        assertEquals("[10]", row(out.get(0).id()).get("data").toString());
        assertEquals("[11]", row(out.get(4).id()).get("data").toString());
        assertEquals(5, ((Number) row(out.get(5).id()).get("priority")).intValue());
        assertNotEquals(null, row(out.get(5).id()).get("schedule_at"));
        assertEquals("[2, \"new\"]", row(out.get(2).id()).get("data").toString());
        assertEquals(5, count("SELECT count(*) FROM " + table()));
    }

    @Test
    void aBulkOfOneTaskWithTheSameOptionsKeepsItsOrderAndOptions() {
        Bulk bulk = tasks.bulk();
        Billing b = bulk.client(Billing.class, Enqueue.options().priority(7).scheduleAt("1h"));
        for (int i = 0; i < 50; i++) {
            b.plain(i);
        }
        List<Enqueued> out = bulk.enqueue();
        assertEquals(50, out.size());
        for (int i = 0; i < 50; i++) {
            var r = row(out.get(i).id());
            assertEquals("[" + i + "]", r.get("data").toString());
            assertEquals(7, ((Number) r.get("priority")).intValue());
            assertEquals("billing.plain", r.get("task"));
            assertNotEquals(null, r.get("schedule_at"));
            assertFalse(out.get(i).duplicate());
        }
        assertEquals(50, Set.copyOf(out).size());
    }

    @Test
    void aBulkEnqueueInATransactionCommitsAndRollsBackWithIt() throws Exception {
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            List<Enqueued> out = tasks.enqueueAll(SendMail.class, List.of(new Mail("a@x", "1"), new Mail("b@x", "2")),
                    Enqueue.options().in(c));
            assertEquals(2, out.size());
            c.rollback();
        }
        assertEquals(0, count("SELECT count(*) FROM " + table()));
        List<Enqueued> out = tasks.enqueueAll(SendMail.class, List.of(new Mail("a@x", "1"), new Mail("b@x", "2")),
                Enqueue.options());
        assertEquals(2, count("SELECT count(*) FROM " + table()));
        // RAISE inside a bulk: nothing of the batch is kept
        assertThrows(DuplicateJobException.class, () -> tasks.enqueueAll(SendMail.class,
                List.of(new Mail("c@x", "3"), new Mail("a@x", "again")), Enqueue.options()));
        assertEquals(2, count("SELECT count(*) FROM " + table()));
        assertEquals(out.get(0).id() + 1, out.get(1).id());
    }

    @Test
    void eightThreadsInTwoProcessesEnqueueingOneKeyLeaveExactlyOneJob() throws Exception {
        List<Process> ps = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            ps.add(children.startMain(UniqueEnqueuer.class, "unique" + p, TestDatabase.url(), schema, "hot:1", "4", "1000"));
        }
        // this process races too, with a held key's holder finishing under it
        Set<Long> all = new TreeSet<>();
        for (int i = 0; i < 300; i++) {
            all.add(tasks.client(UniqueEnqueuer.Ping.class, Enqueue.options().uniqueKey("hot:1")).ping(i).id());
        }
        for (int p = 0; p < 2; p++) {
            assertTrue(ps.get(p).waitFor(100, TimeUnit.SECONDS), "child " + p + " did not finish");
            assertEquals(0, ps.get(p).exitValue(), children.output());
        }
        List<String> reports = children.output().lines().filter(l -> l.startsWith("IDS ")).toList();
        assertEquals(2, reports.size(), children.output());
        for (String r : reports) {
            for (String id : r.substring(4).split(",")) {
                all.add(Long.parseLong(id));
            }
        }
        assertEquals(1, pending("hot:1"), "exactly one job holds the key");
        assertEquals(1, all.size(), "every committed enqueue returned that one job: " + all);
        assertEquals(1, count("SELECT count(*) FROM " + table()));
        // after it finishes the key is free again
        exec("UPDATE " + table() + " SET finished_at = now() WHERE unique_key = 'hot:1'");
        assertFalse(tasks.client(UniqueEnqueuer.Ping.class, Enqueue.options().uniqueKey("hot:1")).ping(0).duplicate());
    }

    @Test
    void aRetriedFailedJobTakesItsKeyBackUnlessAnotherJobHoldsIt() {
        Enqueued a = billing.charge(3, "x");
        exec("UPDATE " + table() + " SET failed_at = now() WHERE id = ?", a.id());
        assertTrue(tasks.admin().retryFailed(a.id()));
        assertTrue(billing.charge(3, "y").duplicate(), "the retried job holds its key again");
        exec("UPDATE " + table() + " SET failed_at = now() WHERE id = ?", a.id());
        Enqueued b = billing.charge(3, "z");
        assertFalse(b.duplicate());
        assertTrue(tasks.admin().retryFailed(a.id()), "a retry is not refused because the key is taken");
        assertEquals(0, ((Number) row(a.id()).get("unique_scope")).intValue(), "it runs without the key");
        assertEquals(1, pending("billing.charge:[3]") - 1, "both pending, one holding the key");
        assertEquals(b.id(), billing.charge(3, "w").id());
    }

    @Test
    void jobsWithoutAKeyUseTodaysStatementAndColumnsStayEmpty() {
        long id = billing.plain(1).id();
        var r = row(id);
        assertEquals(null, r.get("unique_key"));
        assertEquals(null, r.get("unique_scope"));
        assertEquals(null, r.get("group_key"));
    }

    /** Blocks until {@code latch} opens (a test hangs on its timeout otherwise). */
    static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Implements every task of {@link Billing} doing nothing. */
    static class BillingStub implements Billing {
        volatile Runnable onRun = () -> { };

        @Override
        public Enqueued charge(long invoiceId, String note) {
            onRun.run();
            return null;
        }

        @Override
        public Enqueued report(String day) {
            return null;
        }

        @Override
        public Enqueued sync(String account) {
            onRun.run();
            return null;
        }

        @Override
        public Enqueued refresh(String account, int version) {
            return null;
        }

        @Override
        public Enqueued plain(int n) {
            return null;
        }
    }
}
