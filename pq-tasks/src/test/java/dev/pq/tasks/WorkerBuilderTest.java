package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Worker settings: validated at build() with messages naming the setting, and sealed there. */
@Timeout(60)
class WorkerBuilderTest extends TasksTestBase {
    private void refused(Consumer<Worker.Builder> settings, String message) {
        Worker.Builder b = Worker.builder(Tasks.create(pq));
        settings.accept(b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void badSettings_areRefusedAtBuild_namingTheSettingAndTheLimit() {
        refused(b -> b.workerCount(0), "workerCount must be between 1 and 1000: 0");
        refused(b -> b.workerCount(2).workerPriorities(1, 2, 3), "workerPriorities has 3 entries, more than workerCount 2");
        refused(b -> b.pollInterval(Duration.ofMillis(1)), "pollInterval must be >= 10ms");
        refused(b -> b.waitPeriod(Duration.ofSeconds(-1)), "waitPeriod must be >= 0ms");
        refused(b -> b.maximumBufferSize(-1), "maximumBufferSize must be between 0 and 10000: -1");
        refused(b -> b.unknownTaskRetries(-1), "unknownTaskRetries must be between 0 and 1000: -1");
        refused(b -> b.queues("!low"), "");
    }

    @Test
    void aHeartbeatTooSlowForTheDeadWorkerThreshold_isRefused_namingBoth() {
        refused(b -> b.heartbeatInterval(Duration.ofSeconds(20)),
                "heartbeatInterval must be at most a third of the 30 s after which a silent worker counts as dead");
    }

    @Test
    void changingTheBuilderAfterBuild_changesNothingThatWasBuilt() {
        Tasks tasks = Tasks.create(pq);
        Integer[] priorities = {10};
        List<String> queues = new ArrayList<>(List.of("a", "b"));
        Worker.Builder b = Worker.builder(tasks).workerCount(1).workerPriorities(priorities).queues(queues)
                .heartbeatInterval(Duration.ofMillis(100));
        Worker w = b.build();
        b.workerCount(7).queues("c");
        priorities[0] = null;
        queues.add("d");
        start(Worker.builder(tasks)); // unrelated second builder: must not disturb the first
        w.start();
        try {
            await("registered", () -> count("SELECT count(*) FROM " + schema + ".queue_workers") == 2);
            List<Object> counts = rows("SELECT worker_count FROM " + schema + ".queue_workers WHERE id = ?", w.id())
                    .stream().map(r -> r.get("worker_count")).toList();
            assertEquals(List.of(1), counts, "one thread, as built");
            String q = (String) rows("SELECT array_to_string(queues, ',') AS q FROM " + schema + ".queue_workers WHERE id = ?",
                    w.id()).get(0).get("q");
            assertEquals("a,b", q, "the queues as built");
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("pq-worker-0-p10")),
                    "the thread's priority as built");
        } finally {
            w.close();
        }
    }
}
