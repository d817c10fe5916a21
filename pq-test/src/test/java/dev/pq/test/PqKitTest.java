package dev.pq.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.PQ;
import dev.pq.tasks.Drained;
import dev.pq.tasks.Enqueue;
import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.Task;
import dev.pq.tasks.TaskFailedException;
import dev.pq.tasks.Tasks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Every feature of the kit against real PostgreSQL: listing, assertions and their messages, drain, advance, inline. */
@PqTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PqKitTest {
    public interface Mail {
        @Task(queue = "mail")
        void send(String to, int copies);

        @Task(queue = "mail", maxRetries = 3, retryIn = "5m")
        void flaky(String to);
    }

    @Task(queue = "billing", priority = 10)
    public static final class Charge implements JobHandler<Charge.Args> {
        public record Args(long account, Instant at) {
        }

        static final List<Args> charged = new CopyOnWriteArrayList<>();

        @Override
        public void run(Args args, JobContext job) {
            charged.add(args);
        }
    }

    static final class MailImpl implements Mail {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final AtomicInteger flakyRuns = new AtomicInteger();

        @Override
        public void send(String to, int copies) {
            sent.add(to + "x" + copies);
        }

        @Override
        public void flaky(String to) {
            flakyRuns.incrementAndGet();
            throw new IllegalStateException("smtp down for " + to);
        }
    }

    static PQ beforeAllPq;

    @BeforeAll
    static void classPq(PQ pq) {
        beforeAllPq = pq;
    }

    @Test
    @Order(1)
    void injection_givesTheKitsPqAndTasks_andTheClassPqToBeforeAll(PqKit kit, PQ pq, Tasks tasks) {
        assertSame(kit.pq(), pq);
        assertSame(kit.tasks(), tasks);
        assertSame(beforeAllPq, pq);
        assertFalse(kit.inline());
        assertTrue(kit.schema().startsWith("pqtest_"), kit.schema());
        tasks.client(Mail.class).send("left@behind", 1); // the next test must not see it
    }

    @Test
    @Order(2)
    void eachTest_startsWithNoJobs_andATasksOfItsOwn(PqKit kit, Tasks tasks) {
        kit.assertEnqueuedCount(0);
        assertTrue(tasks.taskNames().isEmpty(), tasks.taskNames().toString());
    }

    @Test
    void enqueued_listsPendingJobs_readyFirst_withTheirArgs(PqKit kit, Tasks tasks) {
        tasks.client(Mail.class, Enqueue.options().scheduleAt(Duration.ofHours(1))).send("later@x", 2);
        tasks.client(Mail.class).send("now@x", 1);
        long charge = tasks.enqueue(Charge.class, new Charge.Args(7, Instant.parse("2026-01-02T03:04:05Z")));

        List<QueuedJob> all = kit.enqueued();
        assertEquals(3, all.size());
        assertEquals(charge, all.get(0).id(), "priority 10 first");
        assertEquals("Charge", all.get(0).task());
        assertEquals(7, all.get(0).args().get("account").asLong());
        assertEquals("2026-01-02T03:04:05Z", all.get(0).args().get("at").asText());
        assertEquals("Mail.send", all.get(1).task());
        assertEquals("now@x", all.get(1).args().get(0).asText());
        assertFalse(all.get(1).scheduled());
        assertTrue(all.get(2).scheduled());
        assertTrue(all.get(2).runAt().isAfter(Instant.now().plus(Duration.ofMinutes(59))));
        assertEquals(2, kit.enqueued("mail").size());
        assertEquals(List.of(charge), kit.enqueued("billing").stream().map(QueuedJob::id).toList());
    }

    @Test
    void assertEnqueued_matchesTaskAndArgs_asEnqueueingConvertsThem(PqKit kit, Tasks tasks) {
        tasks.register(Mail.class, new MailImpl());
        tasks.client(Mail.class).send("ada@x", 3);
        tasks.enqueue(Charge.class, new Charge.Args(7, Instant.parse("2026-01-02T03:04:05Z")));

        QueuedJob j = kit.assertEnqueued("Mail.send", "ada@x", 3);
        assertEquals("mail", j.queue());
        kit.assertEnqueued(Charge.class, new Charge.Args(7, Instant.parse("2026-01-02T03:04:05Z")));
        kit.assertAnyEnqueued("Charge");
        kit.assertNotEnqueued("Mail.send", "ada@x", 4);
        kit.assertNotEnqueued(Charge.class, new Charge.Args(8, Instant.parse("2026-01-02T03:04:05Z")));
        kit.assertNoneEnqueued("Mail.flaky");
        kit.assertEnqueuedCount(2);
        kit.assertEnqueuedCount("mail", 1);
    }

    @Test
    void assertEnqueued_unregisteredTask_comparesArgsAsJson(PqKit kit, Tasks tasks) {
        tasks.client(Mail.class).send("bob@x", 1); // a client needs no implementation
        kit.assertEnqueued("Mail.send", "bob@x", 1);
        kit.assertNotEnqueued("Mail.send", "bob@x", 2);
    }

    @Test
    void assertionFailures_listWhatWasEnqueued(PqKit kit, Tasks tasks) {
        AssertionError empty = assertThrows(AssertionError.class, () -> kit.assertEnqueued("Mail.send", "x@x", 1));
        assertEquals("expected a pending job of task Mail.send with arguments [\"x@x\",1], but no job is pending",
                empty.getMessage());

        tasks.client(Mail.class).send("ada@x", 3);
        long charge = tasks.enqueue(Charge.class, new Charge.Args(7, Instant.parse("2026-01-02T03:04:05Z")));
        AssertionError e = assertThrows(AssertionError.class, () -> kit.assertEnqueued("Mail.send", "bob@x", 3));
        String m = e.getMessage();
        assertTrue(m.startsWith("expected a pending job of task Mail.send with arguments [\"bob@x\",3], but none "
                + "matches; pending jobs (2):\n"), m);
        assertTrue(m.contains("\n  #" + charge + " Charge {\"at\": \"2026-01-02T03:04:05Z\", \"account\": 7} "
                + "queue=billing priority=10 ready"), m);
        assertTrue(m.contains(" Mail.send [\"ada@x\", 3] queue=mail priority=100 ready"), m);

        AssertionError not = assertThrows(AssertionError.class, () -> kit.assertNotEnqueued("Mail.send", "ada@x", 3));
        assertTrue(not.getMessage().startsWith("expected no pending job of task Mail.send with arguments "
                + "[\"ada@x\",3], but found 1; pending jobs (2):"), not.getMessage());
        AssertionError count = assertThrows(AssertionError.class, () -> kit.assertEnqueuedCount(1));
        assertTrue(count.getMessage().startsWith("expected 1 pending job, found 2; pending jobs (2):\n  #"),
                count.getMessage());
        AssertionError none = assertThrows(AssertionError.class, () -> kit.assertNoneEnqueued("Charge"));
        assertTrue(none.getMessage().contains("(any arguments)"), none.getMessage());
    }

    @Test
    void drain_runsReadyJobs_inTheTestThread(PqKit kit, Tasks tasks) {
        MailImpl impl = new MailImpl();
        tasks.register(Mail.class, impl);
        tasks.register(new Charge());
        Charge.charged.clear();
        tasks.client(Mail.class).send("a@x", 1);
        tasks.enqueue(Charge.class, new Charge.Args(1, Instant.EPOCH));

        assertEquals(new Drained(1, 1, 0, 0), kit.drain("mail"));
        assertEquals(List.of("a@xx1"), impl.sent);
        kit.assertEnqueuedCount(1);
        assertEquals(new Drained(1, 1, 0, 0), kit.drain());
        assertEquals(List.of(new Charge.Args(1, Instant.EPOCH)), Charge.charged);
        kit.assertEnqueuedCount(0);
    }

    @Test
    void drain_retriesAFailingJob_withErrorCountAndBackoffRecorded(PqKit kit, Tasks tasks) throws Exception {
        MailImpl impl = new MailImpl();
        tasks.register(Mail.class, impl);
        tasks.client(Mail.class).flaky("z@x");
        Instant before = Instant.now();

        assertEquals(new Drained(1, 0, 1, 0), kit.drain());

        QueuedJob retry = kit.assertEnqueued("Mail.flaky", "z@x");
        assertEquals(1, retry.errorCount());
        assertTrue(retry.scheduled());
        assertTrue(!retry.runAt().isBefore(before.plus(Duration.ofMinutes(5)).minusSeconds(1)), retry.describe());
        assertEquals("java.lang.IllegalStateException: smtp down for z@x", lastError(kit, retry.id()));
        assertEquals(new Drained(0, 0, 0, 0), kit.drain(), "the retry waits out its backoff");

        kit.advance(Duration.ofMinutes(5));
        assertEquals(new Drained(1, 0, 1, 0), kit.drain(), "due after advance: run again, failed again");
        assertEquals(2, kit.assertEnqueued("Mail.flaky", "z@x").errorCount());

        kit.advance(Duration.ofMinutes(5));
        kit.drain();
        kit.advance(Duration.ofMinutes(5));
        assertEquals(new Drained(1, 0, 0, 1), kit.drain(), "the fourth failure uses up maxRetries = 3");
        kit.assertEnqueuedCount(0);
        assertEquals(4, impl.flakyRuns.get());
        assertEquals(1, tasks.admin().failed("mail", 10, 0).size());
    }

    @Test
    void advance_makesAScheduledJobDrainable_andOnlyByTheDurationGiven(PqKit kit, Tasks tasks) {
        MailImpl impl = new MailImpl();
        tasks.register(Mail.class, impl);
        tasks.client(Mail.class, Enqueue.options().scheduleAt(Duration.ofHours(1))).send("hour@x", 1);
        tasks.client(Mail.class, Enqueue.options().scheduleAt(Duration.ofHours(3))).send("later@x", 1);

        assertEquals(new Drained(0, 0, 0, 0), kit.drain());
        assertEquals(2, kit.advance(Duration.ofMinutes(61)));
        assertEquals(new Drained(1, 1, 0, 0), kit.drain());
        assertEquals(List.of("hour@xx1"), impl.sent);
        QueuedJob later = kit.assertEnqueued("Mail.send", "later@x", 1);
        assertTrue(later.scheduled());
        Instant expected = Instant.now().plus(Duration.ofMinutes(119));
        assertTrue(Math.abs(Duration.between(expected, later.runAt()).toSeconds()) < 30, later.describe());
        assertThrows(IllegalArgumentException.class, () -> kit.advance(Duration.ofSeconds(-1)));
    }

    @Test
    void advance_endsAUniquePeriod_butLeavesTheDatabaseClock(PqKit kit, Tasks tasks) throws Exception {
        Enqueue hourly = Enqueue.options().uniqueKey("report").uniqueFor(Duration.ofHours(1));
        tasks.client(Mail.class, hourly).send("r@x", 1);
        tasks.client(Mail.class, hourly).send("r@x", 2);
        assertTrue(tasks.lastEnqueued().duplicate(), "within the hour: a duplicate");

        kit.advance(Duration.ofMinutes(61));
        tasks.client(Mail.class, hourly).send("r@x", 3);
        assertFalse(tasks.lastEnqueued().duplicate(), "the hour has passed for the claim");
        kit.assertEnqueued("Mail.send", "r@x", 3);
        try (Connection c = java.sql.DriverManager.getConnection(url(kit));
             PreparedStatement ps = c.prepareStatement("SELECT abs(extract(epoch FROM now() - ?)) < 60")) {
            ps.setObject(1, java.time.OffsetDateTime.now());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next() && rs.getBoolean(1), "the database's now() did not move");
            }
        }
    }

    @Test
    void drain_withScheduled_runsTheJobsScheduledForLater(PqKit kit, Tasks tasks) {
        MailImpl impl = new MailImpl();
        tasks.register(Mail.class, impl);
        tasks.client(Mail.class, Enqueue.options().scheduleAt(Duration.ofDays(2))).send("d@x", 1);
        assertEquals(new Drained(0, 0, 0, 0), kit.drain("mail"));
        assertEquals(new Drained(1, 1, 0, 0), kit.drain("mail", true));
        assertEquals(List.of("d@xx1"), impl.sent);
    }

    @Test
    @InlineTasks
    void inlineTasks_runsTheJobAtEnqueue_andThrowsItsFailure(PqKit kit, Tasks tasks) {
        assertTrue(kit.inline());
        MailImpl impl = new MailImpl();
        tasks.register(Mail.class, impl);
        tasks.client(Mail.class).send("now@x", 2);
        assertEquals(List.of("now@xx2"), impl.sent);
        kit.assertEnqueuedCount(0);
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> tasks.client(Mail.class).flaky("f@x"));
        assertNotNull(e.getCause());
        tasks.client(Mail.class, Enqueue.options().scheduleAt(Duration.ofHours(1))).send("later@x", 1);
        kit.assertEnqueued("Mail.send", "later@x", 1); // scheduled for later: stored even inline
    }

    private static String lastError(PqKit kit, long id) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(url(kit));
             PreparedStatement ps = c.prepareStatement("SELECT last_error_message FROM " + kit.schema()
                     + ".queue WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    private static String url(PqKit kit) {
        return dev.pq.test.internal.TestServer.url(null);
    }
}
