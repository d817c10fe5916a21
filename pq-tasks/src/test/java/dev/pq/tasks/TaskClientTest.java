package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The @Task client: what a call stores, ids, per-call overrides, argument types, names, transactions. */
@Timeout(60)
class TaskClientTest extends TasksTestBase {
    public interface Orchard {
        @Task(queue = "apples", priority = 20)
        void eat(String kind);

        @Task(queue = "apples")
        long pick(String kind, int n);

        @Task(name = "orchard.plant", queue = "seeds", scheduleAt = "1h", expectedAt = "2h")
        Long plant(String kind);

        String describe(); // not a task
    }

    static final class CountingOrchard implements Orchard {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public void eat(String kind) {
            runs.incrementAndGet();
        }

        @Override
        public long pick(String kind, int n) {
            runs.incrementAndGet();
            return 0;
        }

        @Override
        public Long plant(String kind) {
            runs.incrementAndGet();
            return null;
        }

        @Override
        public String describe() {
            return "orchard";
        }
    }

    public enum Color { RED, GREEN }

    public record Item(String sku, int quantity, BigDecimal price) {
    }

    public record Order(long id, String customer, Color color, List<Item> items, Instant placedAt) {
    }

    public interface Shipping {
        @Task
        void ship(Order order, List<Item> extras, Instant at, Map<String, List<Integer>> bins, long big, String nothing);
    }

    @Test
    void call_enqueuesAndRunsNothing() {
        Tasks tasks = Tasks.create(pq);
        CountingOrchard impl = new CountingOrchard();
        tasks.register(Orchard.class, impl);
        Orchard orchard = tasks.client(Orchard.class);

        orchard.eat("Cox");

        long id = tasks.lastId();
        Map<String, Object> row = row(id);
        assertNotNull(row, "the call stored a job");
        assertEquals("apples", row.get("queue"));
        assertEquals(20, ((Number) row.get("priority")).intValue());
        assertEquals("Orchard.eat", row.get("task"));
        assertEquals("[\"Cox\"]", row.get("data"));
        assertNull(row.get("schedule_at"));
        assertEquals(0, impl.runs.get(), "calling a client must not run the task");
        assertEquals(1, count("SELECT count(*) FROM " + table()));
    }

    @Test
    void jobId_isReturnedByLongMethods_andByLastIdForVoidMethods() {
        Tasks tasks = Tasks.create(pq);
        Orchard orchard = tasks.client(Orchard.class);

        long picked = orchard.pick("Cox", 3);
        assertEquals(picked, tasks.lastId());
        assertEquals("[\"Cox\", 3]", row(picked).get("data"));

        Long planted = orchard.plant("Bramley");
        assertNotNull(planted);
        assertEquals("orchard.plant", row(planted).get("task"));

        orchard.eat("Gala");
        long eaten = tasks.lastId();
        assertNotEquals(planted.longValue(), eaten);
        assertEquals("[\"Gala\"]", row(eaten).get("data"));
        assertEquals(3, count("SELECT count(*) FROM " + table()));
    }

    @Test
    void taskDefaults_fromTheAnnotation_landInTheRow() {
        Tasks tasks = Tasks.create(pq);
        Instant before = clockNow();
        long id = tasks.client(Orchard.class).plant("Bramley");
        Instant after = clockNow();
        Map<String, Object> row = row(id);
        assertEquals("seeds", row.get("queue"));
        assertEquals(100, ((Number) row.get("priority")).intValue());
        assertBetween(before.plus(Duration.ofHours(1)), after.plus(Duration.ofHours(1)), instant(row.get("schedule_at")));
        assertBetween(before.plus(Duration.ofHours(2)), after.plus(Duration.ofHours(2)), instant(row.get("expected_at")));
    }

    @Test
    void enqueueOptions_overrideScheduleAtExpectedAtPriorityAndQueue() {
        Tasks tasks = Tasks.create(pq);
        Instant at = Instant.parse("2031-05-06T07:08:09.123456Z");
        Instant by = Instant.parse("2031-05-07T00:00:00Z");
        long id = tasks.client(Orchard.class, Enqueue.options().scheduleAt(at).expectedAt(by).priority(-5).queue("pears"))
                .pick("Conference", 1);
        Map<String, Object> row = row(id);
        assertEquals(at, row.get("schedule_at"));
        assertEquals(by, row.get("expected_at"));
        assertEquals(-5, ((Number) row.get("priority")).intValue());
        assertEquals("pears", row.get("queue"));
        assertEquals("Orchard.pick", row.get("task"));

        // pq's call-time _schedule_at='1m', _expected_at='2m', overriding the task's 1h / 2h
        Instant before = clockNow();
        long id2 = tasks.client(Orchard.class, Enqueue.options().scheduleAt("1m").expectedAt("2m")).plant("Cox");
        Instant after = clockNow();
        Map<String, Object> row2 = row(id2);
        assertBetween(before.plus(Duration.ofMinutes(1)), after.plus(Duration.ofMinutes(1)), instant(row2.get("schedule_at")));
        assertBetween(before.plus(Duration.ofMinutes(2)), after.plus(Duration.ofMinutes(2)), instant(row2.get("expected_at")));
        assertEquals("seeds", row2.get("queue"), "options without a queue keep the task's queue");

        tasks.client(Orchard.class, Enqueue.options().scheduleAt(Duration.ofSeconds(30))).eat("Cox");
        long id3real = tasks.lastId();
        assertNotNull(row(id3real).get("schedule_at"));
        assertEquals(20, ((Number) row(id3real).get("priority")).intValue(), "the task's priority when not overridden");
    }

    @Test
    void arguments_roundTripTypedByTheParameterTypes() throws Exception {
        Tasks tasks = Tasks.create(pq);
        CompletableFuture<Object[]> got = new CompletableFuture<>();
        tasks.register(Shipping.class, (order, extras, at, bins, big, nothing) ->
                got.complete(new Object[] {order, extras, at, bins, big, nothing}));
        Instant placed = Instant.parse("2026-03-04T05:06:07.891011Z");
        Order order = new Order(42, "Ada", Color.GREEN,
                List.of(new Item("apple", 3, new BigDecimal("0.35")), new Item("pear", 1, new BigDecimal("1.10"))), placed);
        List<Item> extras = List.of(new Item("bag", 1, new BigDecimal("12345678901234567.8910")));
        Instant at = Instant.parse("2027-01-01T00:00:00Z");
        Map<String, List<Integer>> bins = Map.of("a", List.of(1, 2), "b", List.of());
        long big = Long.MAX_VALUE - 1;

        tasks.client(Shipping.class).ship(order, extras, at, bins, big, null);
        String json = (String) row(tasks.lastId()).get("data");
        assertTrue(json.startsWith("[{"), "arguments are stored as a JSON array: " + json);

        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(100)));
        Object[] args = got.get(20, TimeUnit.SECONDS);
        assertEquals(order, args[0]);
        assertEquals(Item.class, ((Order) args[0]).items().get(0).getClass());
        assertEquals(extras, args[1]);
        assertEquals(Item.class, ((List<?>) args[1]).get(0).getClass(), "list elements decode to the declared type");
        assertEquals(at, args[2]);
        assertEquals(bins, args[3]);
        assertEquals(big, args[4]);
        assertNull(args[5]);
    }

    public static final class Outer1 {
        public interface Fruit {
            @Task
            void eat(String kind);
        }
    }

    public static final class Outer2 {
        public interface Fruit {
            @Task
            void eat(String kind);
        }
    }

    public interface Named1 {
        @Task(name = "shared")
        void a();
    }

    public interface Named2 {
        @Task(name = "shared")
        void b();
    }

    @Test
    void taskNames_defaultToSimpleTypeDotMethod_orTheAnnotationsName() {
        Tasks tasks = Tasks.create(pq);
        tasks.client(Outer1.Fruit.class).eat("x");
        assertEquals("Fruit.eat", row(tasks.lastId()).get("task"));
        tasks.client(Named1.class).a();
        assertEquals("shared", row(tasks.lastId()).get("task"));
        tasks.enqueue(JobClassTest.Noop.class, "x");
        assertEquals("Noop", row(tasks.lastId()).get("task"));
    }

    @Test
    void duplicateTaskNames_areRefused() {
        Tasks tasks = Tasks.create(pq);
        tasks.register(Outer1.Fruit.class, kind -> { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tasks.register(Outer2.Fruit.class, kind -> { }));
        assertTrue(e.getMessage().contains("Fruit.eat"), e.getMessage());

        tasks.register(Named1.class, () -> { });
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> tasks.register(Named2.class, () -> { }));
        assertTrue(e2.getMessage().contains("shared"), e2.getMessage());

        // the refused registration did not replace the first one
        AtomicInteger runs = new AtomicInteger();
        Tasks again = Tasks.create(pq);
        again.register(Outer1.Fruit.class, kind -> runs.incrementAndGet());
        assertThrows(IllegalArgumentException.class, () -> again.register(Outer2.Fruit.class, kind -> { }));
    }

    @Test
    void enqueueInTheCallersTransaction_isVisibleOnlyAfterCommit() throws Exception {
        Tasks tasks = Tasks.create(pq);
        CountingOrchard impl = new CountingOrchard();
        tasks.register(Orchard.class, impl);
        start(Worker.builder(tasks).workerCount(2).pollInterval(Duration.ofMillis(50)));
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            long id = tasks.client(Orchard.class, Enqueue.options().in(c)).pick("Cox", 1);
            assertEquals(id, tasks.lastId());
            assertNull(row(id), "not visible to others before commit");
            // a job committed after it, of the same priority, is found by the worker's next look,
            // which would have taken the earlier one first had it been visible
            tasks.client(Orchard.class).pick("sentinel", 0);
            await("the committed sentinel ran", () -> impl.runs.get() >= 1);
            assertEquals(1, impl.runs.get(), "the uncommitted job was not run");
            c.rollback();
            assertNull(row(id));

            long id2 = tasks.client(Orchard.class, Enqueue.options().in(c)).pick("Gala", 2);
            assertNull(row(id2));
            c.commit();
            await("the committed job ran", () -> impl.runs.get() == 2);
            await("the committed job was destroyed", () -> row(id2) == null);
            tasks.client(Orchard.class).pick("sentinel", 0);
            await("a second sentinel ran", () -> impl.runs.get() >= 3);
            assertEquals(3, impl.runs.get(), "the rolled-back job never runs");
        }
    }

    public static class Kitchen {
        static final AtomicInteger cooked = new AtomicInteger();

        @Task(queue = "kitchen")
        public void cook(String dish, int servings) {
            cooked.addAndGet(servings);
        }
    }

    @Test
    void enqueueByName_runsTasksOfClasses_andRefusesUnknownNames() throws Exception {
        Tasks tasks = Tasks.create(pq);
        tasks.register(Kitchen.class, new Kitchen());
        Kitchen.cooked.set(0);
        long id = tasks.enqueue("Kitchen.cook", Enqueue.options(), "soup", 4);
        assertEquals("kitchen", row(id).get("queue"));
        assertEquals("[\"soup\", 4]", row(id).get("data"));
        TaskNotFoundException e = assertThrows(TaskNotFoundException.class,
                () -> tasks.enqueue("Kitchen.nope", Enqueue.options()));
        assertEquals("Kitchen.nope", e.task());
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(100)));
        await("cooked", () -> Kitchen.cooked.get() == 4);
    }

    @Test
    void clients_areMadeOfInterfaces_withVoidOrLongTaskMethods_andOnlyEnqueue() {
        Tasks tasks = Tasks.create(pq);
        assertThrows(IllegalArgumentException.class, () -> tasks.client(Kitchen.class));
        assertThrows(IllegalArgumentException.class, () -> tasks.client(BadReturn.class));
        assertThrows(IllegalArgumentException.class, () -> tasks.client(Runnable.class), "no @Task methods");
        Orchard orchard = tasks.client(Orchard.class);
        assertThrows(UnsupportedOperationException.class, orchard::describe);
        assertThrows(IllegalArgumentException.class, () -> Enqueue.options().priority(40_000));
        assertThrows(IllegalArgumentException.class, () -> Enqueue.options().scheduleAt("soon"));
        assertEquals(0, count("SELECT count(*) FROM " + table()));
    }

    public interface BadReturn {
        @Task
        String eat(String kind);
    }

    private Instant clockNow() {
        return instant(rows("SELECT clock_timestamp() AS now").get(0).get("now")).truncatedTo(ChronoUnit.MICROS);
    }

    static void assertBetween(Instant low, Instant high, Instant actual) {
        assertNotNull(actual);
        assertTrue(!actual.isBefore(low) && !actual.isAfter(high), actual + " not in [" + low + ", " + high + "]");
    }

    @Test
    void lastId_isPerTasksInstance() {
        Tasks tasks = Tasks.create(pq);
        Tasks other = Tasks.create(pq);
        other.register(Orchard.class, new CountingOrchard());
        tasks.client(Orchard.class).eat("Cox");
        long mine = tasks.lastId();
        assertEquals(-1, other.lastId(), "another Tasks saw none of this thread's enqueues");
        other.enqueue("Orchard.eat", Enqueue.options(), "Gala");
        assertEquals(mine, tasks.lastId());
        assertTrue(other.lastId() > mine);
    }
}
