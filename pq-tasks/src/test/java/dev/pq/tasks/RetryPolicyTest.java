package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.spi.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Jittered backoff, and retry policies of a task's own: per @Task, or the implementation's. */
@Timeout(60)
class RetryPolicyTest extends TasksTestBase {
    private final TestClock clock = new TestClock(Instant.parse("2031-01-01T00:00:00Z"));

    public interface Spread {
        @Task(maxRetries = 3, retryIn = "100s", jitter = 0.5)
        void fail(int n);
    }

    /** Gives up at once on IllegalStateException; otherwise 7 s, for ever. */
    public static final class Picky implements RetryPolicy {
        @Override
        public Duration next(int errorCount, Throwable error) {
            return error instanceof IllegalStateException ? null : Duration.ofSeconds(7);
        }
    }

    public interface Choosy {
        @Task(maxRetries = 5, retryPolicy = Picky.class)
        void run(String kind);
    }

    @Task(name = "SelfJudging")
    public static final class SelfJudging implements JobHandler<String>, RetryPolicy {
        @Override
        public void run(String kind, JobContext job) {
            throw new IllegalArgumentException(kind);
        }

        @Override
        public Duration next(int errorCount, Throwable error) {
            return errorCount >= 2 ? null : Duration.ofSeconds(11 * errorCount);
        }
    }

    private Tasks tasks() {
        return Tasks.builder(pq).clock(clock).build();
    }

    private Instant scheduleAt(long id) {
        return instant(row(id).get("schedule_at"));
    }

    @Test
    void jitter_spreadsTheRetryTimesOfJobsThatFailedTogether_withinTheFraction() {
        Tasks tasks = tasks();
        tasks.register(Spread.class, n -> {
            throw new IllegalStateException("down");
        });
        for (int i = 0; i < 30; i++) {
            tasks.client(Spread.class).fail(i);
        }
        start(Worker.builder(tasks).workerCount(4).pollInterval(Duration.ofMillis(50)));
        await("all failed once", () -> count("SELECT count(*) FROM " + table() + " WHERE error_count = 1") == 30);
        Set<Instant> times = new HashSet<>();
        for (Map<String, Object> r : rows("SELECT schedule_at FROM " + table())) {
            Instant at = instant(r.get("schedule_at"));
            long s = Duration.between(clock.instant(), at).toSeconds();
            assertTrue(s >= 50 && s <= 150, "100 s ± 50%: " + s);
            times.add(at);
        }
        assertTrue(times.size() > 20, "spread out, not one instant: " + times.size() + " distinct times");
    }

    @Test
    void aTasksRetryPolicy_decidesDelayAndGivingUp_insteadOfMaxRetries() {
        Tasks tasks = tasks();
        tasks.register(Choosy.class, kind -> {
            throw kind.equals("fatal") ? new IllegalStateException(kind) : new java.io.UncheckedIOException(
                    new java.io.IOException(kind));
        });
        tasks.client(Choosy.class).run("fatal");
        long fatal = tasks.lastId();
        tasks.client(Choosy.class).run("flaky");
        long flaky = tasks.lastId();
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)));
        await("both failed once", () -> count("SELECT count(*) FROM " + table() + " WHERE error_count = 1") == 2);
        assertNotNull(row(fatal).get("failed_at"), "given up at once, though maxRetries is 5");
        assertNull(row(flaky).get("failed_at"));
        assertEquals(clock.instant().plusSeconds(7), scheduleAt(flaky));
    }

    @Test
    void anImplementationThatIsARetryPolicy_decidesForItsTasks() {
        Tasks tasks = tasks();
        tasks.register(new SelfJudging());
        long id = tasks.enqueue(SelfJudging.class, "x");
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)));
        await("first failure", () -> ((Number) row(id).get("error_count")).intValue() == 1);
        assertEquals(clock.instant().plusSeconds(11), scheduleAt(id));
        makeDue(id);
        await("failed at the second, by its own rule (Que's default would retry 15 times)",
                () -> row(id).get("failed_at") != null);
    }

    @Test
    void exponential_doublesFromTheBase_upToTheMax() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ofSeconds(5), Duration.ofMinutes(1), 0);
        assertEquals(List.of(5L, 10L, 20L, 40L, 60L, 60L), List.of(1, 2, 3, 4, 5, 100).stream()
                .map(n -> p.next(n, null).toSeconds()).toList());
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.exponential(Duration.ofSeconds(1),
                Duration.ofSeconds(2), 1.5), "jitter above 1");
    }

    public interface BadJitter {
        @Task(jitter = 2)
        void run();
    }

    @Test
    void aJitterOutsideZeroToOne_isRefusedNamingTheTask() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tasks().register(BadJitter.class, () -> { }));
        assertTrue(e.getMessage().contains("BadJitter.run") && e.getMessage().contains("jitter"), e.getMessage());
    }
}
