package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Middleware around execution and JobListener hooks around enqueue and perform. */
@Timeout(60)
class HooksTest extends TasksTestBase {
    public interface Shop {
        @Task(queue = "shop", priority = 7)
        void buy(String what);

        @Task(maxRetries = 1, retryIn = "1s")
        void fail(String why);
    }

    final List<String> events = new CopyOnWriteArrayList<>();

    class Recording implements JobListener {
        final List<EnqueuedJob> before = new CopyOnWriteArrayList<>();
        final List<EnqueuedJob> after = new CopyOnWriteArrayList<>();
        final List<Boolean> willRetry = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        @Override
        public void beforeEnqueue(EnqueuedJob job) {
            if (job.argsJson().contains("forbidden")) {
                throw new IllegalArgumentException("vetoed " + job.task());
            }
            before.add(job);
        }

        @Override
        public void afterEnqueue(EnqueuedJob job) {
            after.add(job);
        }

        @Override
        public void beforePerform(JobContext job) {
            events.add("beforePerform " + job.task());
        }

        @Override
        public void afterPerform(JobContext job) {
            events.add("afterPerform " + job.task());
        }

        @Override
        public void onFailure(JobContext job, Throwable error, boolean retry) {
            events.add("onFailure " + job.task());
            errors.add(error);
            willRetry.add(retry);
        }
    }

    private Tasks tasks(Recording listener) {
        Tasks tasks = Tasks.builder(pq).listener(listener).build();
        tasks.register(Shop.class, new Shop() {
            @Override
            public void buy(String what) {
                events.add("run " + what);
            }

            @Override
            public void fail(String why) {
                events.add("run fail");
                throw new IllegalStateException(why);
            }
        });
        return tasks;
    }

    @Test
    void middleware_runsAroundTheJob_firstAddedOutermost_withListenersInside() {
        Recording listener = new Recording();
        Tasks tasks = tasks(listener);
        tasks.client(Shop.class).buy("bread");
        long id = tasks.lastId();
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50))
                .middleware((job, next) -> {
                    events.add("A> " + job.id() + " " + job.queue() + " " + job.priority());
                    next.proceed();
                    events.add("<A");
                })
                .middleware((job, next) -> {
                    events.add("B>");
                    next.proceed();
                    events.add("<B");
                }));
        await("done", () -> events.contains("<A"));
        assertEquals(List.of("A> " + id + " shop 7", "B>", "beforePerform Shop.buy", "run bread", "afterPerform Shop.buy",
                "<B", "<A"), events);
    }

    @Test
    void middlewareThatThrows_failsTheJobWithoutRunningIt() {
        Recording listener = new Recording();
        Tasks tasks = tasks(listener);
        tasks.client(Shop.class).buy("milk");
        long id = tasks.lastId();
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50))
                .middleware((job, next) -> {
                    throw new SecurityException("not today");
                }));
        await("failed", () -> row(id).get("failed_at") != null);
        assertTrue(((String) row(id).get("last_error_message")).contains("not today"));
        assertFalse(events.contains("run milk"));
        assertEquals(List.of(false), listener.willRetry);
    }

    @Test
    void enqueueHooks_beforeCanVeto_afterSeesTheId() {
        Recording listener = new Recording();
        Tasks tasks = tasks(listener);
        tasks.client(Shop.class).buy("apples");
        long id = tasks.lastId();
        assertEquals(1, listener.before.size());
        assertEquals(0, listener.before.get(0).id(), "no id before the write");
        EnqueuedJob after = listener.after.get(0);
        assertEquals(id, after.id());
        assertEquals("Shop.buy", after.task());
        assertEquals("shop", after.queue());
        assertEquals(7, after.priority());
        assertEquals("[\"apples\"]", after.argsJson());

        IllegalArgumentException veto = assertThrows(IllegalArgumentException.class,
                () -> tasks.client(Shop.class).buy("forbidden fruit"));
        assertEquals("vetoed Shop.buy", veto.getMessage());
        assertEquals(1, count("SELECT count(*) FROM " + table()), "the vetoed job was not written");
        assertEquals(1, listener.after.size());
    }

    @Test
    void afterEnqueueFailures_areLoggedAndIgnored() {
        Tasks tasks = Tasks.builder(pq).listener(new JobListener() {
            @Override
            public void afterEnqueue(EnqueuedJob job) {
                throw new IllegalStateException("listener broke");
            }
        }).build();
        tasks.client(Shop.class).buy("eggs");
        assertNotNull(row(tasks.lastId()));
    }

    @Test
    void onFailure_tellsWhetherTheJobWillRetry() {
        Recording listener = new Recording();
        Tasks tasks = tasks(listener);
        tasks.client(Shop.class).fail("sold out");
        long id = tasks.lastId();
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)));
        await("first failure", () -> listener.willRetry.size() == 1);
        assertEquals(List.of(true), listener.willRetry);
        assertInstanceOf(IllegalStateException.class, listener.errors.get(0));
        assertEquals("sold out", listener.errors.get(0).getMessage());
        makeDue(id);
        await("second failure", () -> listener.willRetry.size() == 2);
        assertEquals(List.of(true, false), listener.willRetry);
        assertFalse(events.contains("afterPerform Shop.fail"), "afterPerform only after a normal return");
    }

    @Test
    void beforePerformThatThrows_failsTheJob() {
        Tasks tasks = Tasks.builder(pq).listener(new JobListener() {
            @Override
            public void beforePerform(JobContext job) {
                throw new IllegalStateException("closed for lunch");
            }
        }).build();
        tasks.register(Shop.class, new Shop() {
            @Override
            public void buy(String what) {
                events.add("run " + what);
            }

            @Override
            public void fail(String why) {
            }
        });
        tasks.client(Shop.class).buy("tea");
        long id = tasks.lastId();
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)));
        await("failed", () -> row(id).get("failed_at") != null);
        assertTrue(events.isEmpty());
    }

    @Test
    void listenersHearInlineRunsToo() {
        Recording listener = new Recording();
        Tasks tasks = Tasks.builder(pq).inline(true).listener(listener).build();
        tasks.register(Shop.class, new Shop() {
            @Override
            public void buy(String what) {
                events.add("run " + what);
            }

            @Override
            public void fail(String why) {
                throw new IllegalStateException(why);
            }
        });
        tasks.client(Shop.class).buy("jam");
        assertEquals(List.of("beforePerform Shop.buy", "run jam", "afterPerform Shop.buy"), events);
        assertEquals(0, listener.after.get(0).id());
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> tasks.client(Shop.class).fail("x"));
        assertSame(listener.errors.get(0), e.getCause());
        assertEquals(List.of(false), listener.willRetry);
    }
}
