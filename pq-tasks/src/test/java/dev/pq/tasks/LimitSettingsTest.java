package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Limits are validated at build(), with messages naming the limit and what is wrong. */
class LimitSettingsTest extends TasksTestBase {
    private void refused(Consumer<Worker.Builder> settings, String message) {
        Worker.Builder b = Worker.builder(Tasks.create(pq));
        settings.accept(b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void badLimits_areRefusedAtBuild_namingTheLimitAndTheProblem() {
        refused(b -> b.limit(Limit.queue("billing")), "limit queue:billing: concurrency must be between 1 and 1000: 0");
        refused(b -> b.limit(Limit.queue("billing").concurrency(1001)), "between 1 and 1000: 1001");
        refused(b -> b.limit(Limit.queue("bill*").concurrency(2)), "plain queue names");
        refused(b -> b.limit(Limit.queue("a").concurrency(2)).limit(Limit.queue("a").task("t").concurrency(1)),
                "queue a has two concurrency limits");
        refused(b -> b.limit(Limit.rate("api", 10, Duration.ofSeconds(1))), "limit api: a rate needs queues(...)");
        refused(b -> b.limit(Limit.rate("api", 0, Duration.ofSeconds(1)).queues("a")),
                "limit api: starts per period must be between 1 and 100000: 0");
        refused(b -> b.limit(Limit.rate("api", 10, Duration.ofMillis(10)).queues("a")),
                "limit api: period must be between 100ms and 1 day");
        refused(b -> b.limit(Limit.rate("api", 10, Duration.ofSeconds(1)).queues("a").perGroup()),
                "a rate applies to whole queues");
        refused(b -> b.limit(Limit.rate("x", 10, Duration.ofSeconds(1)).queues("a"))
                .limit(Limit.rate("y", 10, Duration.ofSeconds(1)).queues("a")), "queue a is in two rates (x, y)");
        refused(b -> b.maxRunning("a", 0), "maxRunning for queue a must be between 1 and 1000: 0");
        refused(b -> b.maxRunning("*", 2), "maxRunning takes a plain queue name");
    }

    @Test
    void limitsAreImmutableValues() {
        Limit base = Limit.queue("billing");
        Limit three = base.concurrency(3);
        Limit grouped = three.perGroup();
        assertEquals(0, base.maxConcurrency());
        assertEquals(3, three.maxConcurrency());
        assertTrue(!three.perGroupKey() && grouped.perGroupKey());
        assertEquals("queue:billing/task:T", three.task("T").name());
    }
}
