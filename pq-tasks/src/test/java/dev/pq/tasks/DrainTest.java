package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Drain}: ready jobs run in the calling thread through the worker's path, failures recorded as a worker records them. */
@Timeout(60)
class DrainTest extends TasksTestBase {
    public interface Mail {
        @Task(queue = "mail")
        void send(String to);

        @Task(queue = "mail", maxRetries = 2, retryIn = "10m")
        void flaky(String to);

        @Task(queue = "other")
        void elsewhere(String to);
    }

    static final class MailImpl implements Mail {
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<String> sent = new CopyOnWriteArrayList<>();

        @Override
        public void send(String to) {
            threads.add(Thread.currentThread().getName());
            sent.add(to);
        }

        @Override
        public void flaky(String to) {
            throw new IllegalStateException("smtp down for " + to);
        }

        @Override
        public void elsewhere(String to) {
            sent.add("other:" + to);
        }
    }

    @Test
    void drain_runsEveryReadyJob_inTheCallingThread_throughMiddlewareAndListeners() {
        List<String> events = new CopyOnWriteArrayList<>();
        Tasks tasks = Tasks.builder(pq).listener(new JobListener() {
            @Override
            public void afterPerform(JobContext job) {
                events.add("after " + job.id());
            }
        }).build();
        MailImpl impl = new MailImpl();
        tasks.register(Mail.class, impl);
        Mail mail = tasks.client(Mail.class);
        mail.send("a");
        mail.send("b");
        mail.elsewhere("c");
        tasks.client(Mail.class, Enqueue.options().scheduleAt(Duration.ofHours(1))).send("later");

        Drained d = Drain.builder(tasks).queues("mail").middleware((job, next) -> {
            events.add("around " + job.id());
            next.proceed();
        }).build().run();

        assertEquals(new Drained(2, 2, 0, 0), d);
        assertEquals(List.of("a", "b"), impl.sent);
        assertEquals(List.of(Thread.currentThread().getName(), Thread.currentThread().getName()), impl.threads);
        assertEquals(4, events.size(), events.toString());
        assertEquals(2, rowCount(), "the other queue's job and the scheduled one stay");
        assertEquals(new Drained(1, 1, 0, 0), Drain.builder(tasks).build().run(), "every queue by default");
        assertTrue(impl.sent.contains("other:c"));
    }

    @Test
    void drain_recordsAFailure_withErrorCountAndBackoff_likeAWorker() {
        Tasks tasks = Tasks.create(pq);
        tasks.register(Mail.class, new MailImpl());
        tasks.client(Mail.class).flaky("x");
        long id = tasks.lastId();
        Instant before = Instant.now();

        Drained d = Drain.builder(tasks).queues("mail").build().run();

        assertEquals(new Drained(1, 0, 1, 0), d);
        Map<String, Object> row = row(id);
        assertNotNull(row);
        assertEquals(1, ((Number) row.get("error_count")).intValue());
        assertTrue(((String) row.get("last_error_message")).contains("smtp down for x"), row.toString());
        Instant retryAt = (Instant) row.get("schedule_at");
        assertTrue(!retryAt.isBefore(before.plus(Duration.ofMinutes(10)).minusSeconds(1)), "backoff 10m: " + retryAt);
        assertNull(row.get("failed_at"));
        assertEquals(new Drained(0, 0, 0, 0), Drain.builder(tasks).build().run(), "the retry is not due yet");
    }

    @Test
    void build_refusesGlobsAndBadMaxRuns() {
        Tasks tasks = Tasks.create(pq);
        assertThrows(IllegalArgumentException.class, () -> Drain.builder(tasks).queues("ma*").build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Drain.builder(tasks).maxRuns(0).build());
        assertEquals("maxRuns must be between 1 and 1000000: 0", e.getMessage());
    }
}
