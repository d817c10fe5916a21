package dev.pq.tasks;

import static dev.pq.tasks.TaskClientTest.assertBetween;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Que-style job classes: class defaults, destroy/finish/fail/retryIn, and the job's own transaction. */
@Timeout(60)
class JobClassTest extends TasksTestBase {
    /** A job class without annotation: name "Noop", queue default, priority 100. */
    public static final class Noop implements JobHandler<String> {
        static final AtomicInteger runs = new AtomicInteger();

        @Override
        public void run(String args, JobContext job) {
            runs.incrementAndGet();
        }
    }

    public record Charge(long cardId, long userId) {
    }

    @Task(priority = 10, queue = "billing", scheduleAt = "1m", maxRetries = 3)
    public static final class ChargeCreditCard implements JobHandler<Charge> {
        @Override
        public void run(Charge args, JobContext job) {
            throw new IllegalStateException("card " + args.cardId() + " declined");
        }
    }

    /** What Behave does: destroy (default), finish, fail, retry, write, throw. */
    public record Act(String action, long n, String receipts) {
    }

    public static final class Behave implements JobHandler<Act> {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public void run(Act a, JobContext job) throws Exception {
            runs.incrementAndGet();
            if (a.receipts() != null) {
                try (PreparedStatement ps = job.connection().prepareStatement("INSERT INTO " + a.receipts() + " (n) VALUES (?)")) {
                    ps.setLong(1, a.n());
                    ps.executeUpdate();
                }
            }
            switch (a.action()) {
                case "finish" -> job.finish();
                case "fail" -> job.fail();
                case "retry" -> job.retryIn(Duration.ofMinutes(7));
                case "throw" -> throw new IllegalArgumentException("handler failed for " + a.n());
                case "destroy" -> job.destroy();
                default -> { }
            }
        }
    }

    private final TestClock clock = new TestClock(Instant.parse("2031-01-01T00:00:00Z"));
    private Tasks tasks;
    private Behave behave;

    @BeforeEach
    void setUp() {
        tasks = Tasks.builder(pq).clock(clock).build();
        behave = new Behave();
        tasks.register(behave);
        tasks.register(new ChargeCreditCard());
        ddl("CREATE TABLE receipts (n bigint PRIMARY KEY)");
    }

    private Worker worker() {
        return start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)));
    }

    private String receipts() {
        return schema + ".receipts";
    }

    private long receiptCount() {
        return count("SELECT count(*) FROM " + receipts());
    }

    @Test
    void classDefaults_priorityQueueAndScheduleAt_landInTheRow_andOptionsOverrideThem() {
        Instant before = Instant.now();
        long id = tasks.enqueue(ChargeCreditCard.class, new Charge(1, 2));
        Map<String, Object> row = row(id);
        assertEquals("billing", row.get("queue"));
        assertEquals(10, ((Number) row.get("priority")).intValue());
        assertEquals("ChargeCreditCard", row.get("task"));
        assertEquals("{\"cardId\": 1, \"userId\": 2}", row.get("data"));
        assertBetween(before.plusSeconds(55), Instant.now().plusSeconds(65), instant(row.get("schedule_at")));

        Instant at = Instant.parse("2030-02-03T04:05:06Z");
        long id2 = tasks.enqueue(ChargeCreditCard.class, new Charge(3, 4),
                Enqueue.options().priority(5).scheduleAt(at).queue("vip"));
        Map<String, Object> row2 = row(id2);
        assertEquals(5, ((Number) row2.get("priority")).intValue());
        assertEquals(at, row2.get("schedule_at"));
        assertEquals("vip", row2.get("queue"));
    }

    @Test
    void maxRetries_fromTheClassAnnotation_thenTheJobIsFailed_withQueBackoffByDefault() {
        long id = tasks.enqueue(ChargeCreditCard.class, new Charge(1, 2), Enqueue.options().scheduleAt(Duration.ZERO));
        exec("UPDATE " + table() + " SET error_count = 2 WHERE id = ?", id); // two failures so far
        worker();
        await("third failure recorded", () -> ((Number) row(id).get("error_count")).intValue() == 3);
        Map<String, Object> row = row(id);
        assertNull(row.get("failed_at"), "3 failures <= maxRetries 3: retried");
        assertEquals(clock.instant().plusSeconds(3 * 3 * 3 * 3 + 3), row.get("schedule_at"), "Que's count^4 + 3 s");
        assertTrue(((String) row.get("last_error_message")).contains("card 1 declined"));

        makeDue(id);
        await("fourth failure recorded", () -> ((Number) row(id).get("error_count")).intValue() == 4);
        assertNotNull(row(id).get("failed_at"), "4 failures > maxRetries 3: failed");
        assertEquals(List.of(id), tasks.admin().failed("billing", 10, 0).stream().map(FailedJob::id).toList());
    }

    @Test
    void successfulJob_isDestroyedByDefault() {
        Noop.runs.set(0);
        tasks.register(new Noop());
        long a = tasks.enqueue(Noop.class, "x");
        long b = tasks.enqueue(Behave.class, new Act("destroy", 1, null));
        worker();
        await("both gone", () -> row(a) == null && row(b) == null);
        assertEquals(1, Noop.runs.get());
        assertEquals(0, count("SELECT count(*) FROM " + table()));
    }

    @Test
    void finish_keepsTheRowWithFinishedAt_andNeverRunsItAgain() throws Exception {
        long id = tasks.enqueue(Behave.class, new Act("finish", 1, null));
        worker();
        await("finished", () -> row(id).get("finished_at") != null);
        Thread.sleep(300);
        assertEquals(1, behave.runs.get());
        assertNull(row(id).get("failed_at"));
        assertTrue(tasks.admin().failed(null, 10, 0).isEmpty(), "finished jobs are not failed ones");
        assertTrue(tasks.admin().jobStats().isEmpty(), "finished jobs are not pending");
    }

    @Test
    void fail_marksTheJobFailedWithoutRetrying() throws Exception {
        long id = tasks.enqueue(Behave.class, new Act("fail", 1, null));
        worker();
        await("failed", () -> row(id).get("failed_at") != null);
        Thread.sleep(300);
        assertEquals(1, behave.runs.get());
        assertEquals(0, ((Number) row(id).get("error_count")).intValue());
        assertEquals(List.of(id), tasks.admin().failed(null, 10, 0).stream().map(FailedJob::id).toList());
    }

    @Test
    void retryIn_reschedulesAtClockPlusDelay_withoutCountingAnError() {
        long id = tasks.enqueue(Behave.class, new Act("retry", 1, null));
        worker();
        await("rescheduled", () -> row(id).get("schedule_at") != null);
        Map<String, Object> row = row(id);
        assertEquals(clock.instant().plus(Duration.ofMinutes(7)), row.get("schedule_at"));
        assertEquals(0, ((Number) row.get("error_count")).intValue());
        assertNull(row.get("failed_at"));
        assertEquals(1, behave.runs.get());

        clock.advance(Duration.ofHours(1));
        makeDue(id);
        await("ran again and rescheduled from the moved clock",
                () -> clock.instant().plus(Duration.ofMinutes(7)).equals(row(id).get("schedule_at")));
        assertEquals(2, behave.runs.get());
    }

    @Test
    void handlerRows_commitTogetherWithTheJobsCompletion() {
        long destroyed = tasks.enqueue(Behave.class, new Act("destroy", 1, receipts()));
        long finished = tasks.enqueue(Behave.class, new Act("finish", 2, receipts()));
        long retried = tasks.enqueue(Behave.class, new Act("retry", 3, receipts()));
        worker();
        await("all three completed", () -> row(destroyed) == null && row(finished).get("finished_at") != null
                && row(retried).get("schedule_at") != null);
        assertEquals(3, receiptCount());
        assertEquals(clock.instant().plus(Duration.ofMinutes(7)), row(retried).get("schedule_at"));
    }

    @Test
    void handlerRows_rollBackWhenTheJobsCompletionFails() {
        // the job's completion (its DELETE) fails inside the transaction the handler wrote in
        ddl("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF OLD.data->>'action' = 'poison' THEN RAISE EXCEPTION 'completion refused'; END IF; RETURN OLD; END $$");
        ddl("CREATE TRIGGER refuse BEFORE DELETE ON queue FOR EACH ROW EXECUTE FUNCTION refuse()");
        long id = tasks.enqueue(Behave.class, new Act("poison", 1, receipts()));
        long ok = tasks.enqueue(Behave.class, new Act("destroy", 2, receipts()));
        worker();
        await("the failure recorded", () -> ((Number) row(id).get("error_count")).intValue() == 1);
        await("the other job done", () -> row(ok) == null);
        assertTrue(((String) row(id).get("last_error_message")).contains("completion refused"),
                (String) row(id).get("last_error_message"));
        assertEquals(List.of(2L), rows("SELECT n FROM " + receipts()).stream().map(r -> r.get("n")).toList(),
                "the poisoned job's receipt was rolled back with its failed completion");
    }

    @Test
    void throwingHandler_rollsItsRowsBack_andCountsAnError() {
        long id = tasks.enqueue(Behave.class, new Act("throw", 1, receipts()));
        worker();
        await("the failure recorded", () -> ((Number) row(id).get("error_count")).intValue() == 1);
        Map<String, Object> row = row(id);
        assertEquals(0, receiptCount(), "the handler's row rolled back");
        assertTrue(((String) row.get("last_error_message")).contains("IllegalArgumentException: handler failed for 1"));
        assertEquals(clock.instant().plusSeconds(4), row.get("schedule_at"), "job classes retry after 1^4 + 3 s");
        assertNull(row.get("failed_at"), "job classes retry 15 times by default");
    }

    @Test
    void register_refusesALambdaJobHandler_becauseItsNameDiffersBetweenJvms() {
        JobHandler<String> lambda = (args, job) -> { };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tasks.register(lambda));
        assertTrue(e.getMessage().contains("named class"), e.getMessage());
    }
}
