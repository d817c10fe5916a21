package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.SerializationException;
import dev.pq.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Inline mode (Que's run_synchronously): enqueue runs the job in the caller's thread, after the JSON round trip. */
@Timeout(60)
class InlineModeTest extends TasksTestBase {
    public record Basket(List<String> fruit, BigDecimal price, Instant pickedAt) {
    }

    /** Serializes (it has a getter) but cannot be read back (no creator). */
    public static final class OneWay {
        private final int x;

        public OneWay(int x) {
            this.x = x;
        }

        public int getX() {
            return x;
        }
    }

    public interface Market {
        @Task
        long sell(Basket basket, List<String> notes, JobContext job);

        @Task
        void spoil(String why) throws Exception;

        @Task
        void oneWay(OneWay value);

        @Task
        void record(String receipts, int n, JobContext job) throws Exception;
    }

    public interface Unregistered {
        @Task
        void nobody();
    }

    private final AtomicReference<Object[]> got = new AtomicReference<>();

    private Tasks inline() {
        Tasks tasks = Tasks.builder(pq).inline(true).build();
        tasks.register(Market.class, new Market() {
            @Override
            public long sell(Basket basket, List<String> notes, JobContext job) {
                got.set(new Object[] {basket, notes, Thread.currentThread(), job});
                return 99;
            }

            @Override
            public void spoil(String why) throws Exception {
                throw new java.io.IOException(why);
            }

            @Override
            public void oneWay(OneWay value) {
                got.set(new Object[] {value});
            }

            @Override
            public void record(String receipts, int n, JobContext job) throws Exception {
                try (PreparedStatement ps = job.connection().prepareStatement("INSERT INTO " + receipts + " VALUES (?)")) {
                    ps.setInt(1, n);
                    ps.executeUpdate();
                }
            }
        });
        return tasks;
    }

    @Test
    void enqueue_runsTheJobInTheCallersThread_withTheJsonRoundTrip_andStoresNothing() {
        Tasks tasks = inline();
        Basket basket = new Basket(new ArrayList<>(List.of("Cox", "Gala")), new BigDecimal("3.10"),
                Instant.parse("2026-01-02T03:04:05.123456Z"));
        List<String> notes = new ArrayList<>(List.of("fresh"));
        long id = tasks.client(Market.class).sell(basket, notes, null);

        Object[] args = got.get();
        assertEquals(basket, args[0]);
        assertNotSame(basket, args[0], "the job got a decoded copy, not the caller's object");
        assertNotSame(basket.fruit(), ((Basket) args[0]).fruit());
        assertEquals(notes, args[1]);
        assertSame(Thread.currentThread(), args[2], "run in the caller's thread");
        assertEquals("Market.sell", ((JobContext) args[3]).task());
        assertEquals(0, id, "inline jobs have no id");
        assertEquals(0, count("SELECT count(*) FROM " + table()), "nothing stored");
        assertTrue(tasks.inline());
    }

    @Test
    void aThrowingTask_raisesTaskFailedException_withTheCause() {
        Tasks tasks = inline();
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> tasks.client(Market.class).spoil("mould"));
        assertInstanceOf(java.io.IOException.class, e.getCause());
        assertEquals("mould", e.getCause().getMessage());
        assertTrue(e.getMessage().contains("Market.spoil"), e.getMessage());
    }

    @Test
    void anUnknownTask_raisesTaskNotFoundException() {
        Tasks tasks = inline();
        TaskNotFoundException e = assertThrows(TaskNotFoundException.class, () -> tasks.client(Unregistered.class).nobody());
        assertEquals("Unregistered.nobody", e.task());
    }

    @Test
    void anArgumentThatDoesNotSurviveJson_failsInline_asItWouldInAWorker() {
        Tasks tasks = inline();
        assertThrows(SerializationException.class, () -> tasks.client(Market.class).oneWay(new OneWay(1)));
        assertEquals(null, got.get(), "the task never ran with the caller's object");
    }

    @Test
    void inlineInTheCallersTransaction_writesThroughTheCallersConnection() throws Exception {
        TestDatabase.execute("CREATE TABLE " + schema + ".receipts (n int PRIMARY KEY)");
        Tasks tasks = inline();
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            tasks.client(Market.class, Enqueue.options().in(c)).record(schema + ".receipts", 1, null);
            assertEquals(0, count("SELECT count(*) FROM " + schema + ".receipts"), "not committed yet");
            c.rollback();
            tasks.client(Market.class, Enqueue.options().in(c)).record(schema + ".receipts", 2, null);
            c.commit();
        }
        assertEquals(List.of(2), rows("SELECT n FROM " + schema + ".receipts").stream().map(r -> r.get("n")).toList());

        // without a caller's transaction, the job's own transaction commits
        tasks.client(Market.class).record(schema + ".receipts", 3, null);
        assertEquals(2, count("SELECT count(*) FROM " + schema + ".receipts"));
    }

    @Test
    void jobClasses_runInlineToo() {
        Tasks tasks = Tasks.builder(pq).inline(true).build();
        JobClassTest.Noop.runs.set(0);
        tasks.register(new JobClassTest.Noop());
        assertEquals(0, tasks.enqueue(JobClassTest.Noop.class, "x"));
        assertEquals(1, JobClassTest.Noop.runs.get());
        assertEquals(0, count("SELECT count(*) FROM " + table()));
    }

    @Test
    void aJobScheduledForLater_isStored_notRun_asQueDoes() throws Exception {
        Tasks tasks = inline();
        tasks.client(Market.class, Enqueue.options().scheduleAt("1h")).spoil("not yet");   // would throw if run
        long later = tasks.lastId();
        tasks.client(Market.class, Enqueue.options().scheduleAt(Instant.now().plusSeconds(600))).spoil("nor this");
        long atTime = tasks.lastId();
        assertTrue(later > 0 && atTime > later, "stored jobs have ids");
        assertEquals(2, count("SELECT count(*) FROM " + table() + " WHERE schedule_at > now() + interval '9 minutes'"));

        // due now or in the past: run at once, as before
        assertThrows(TaskFailedException.class,
                () -> tasks.client(Market.class, Enqueue.options().scheduleAt(Duration.ZERO)).spoil("now"));
        assertThrows(TaskFailedException.class,
                () -> tasks.client(Market.class, Enqueue.options().scheduleAt(Instant.now().minusSeconds(5))).spoil("past"));
        assertEquals(2, count("SELECT count(*) FROM " + table()));
    }
}
