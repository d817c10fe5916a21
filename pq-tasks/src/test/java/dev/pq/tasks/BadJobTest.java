package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jobs a worker cannot run are kept with the reason and the rest run: an undecodable payload is failed at once;
 * a task unknown here is retried with backoff (a newer worker may know it), then failed.
 */
@Timeout(60)
class BadJobTest extends TasksTestBase {
    public interface Good {
        @Task(maxRetries = 3)
        void take(int n);
    }

    public interface Ghost {
        @Task
        void boo(String who);
    }

    private long insert(String task, String json) {
        return ((Number) rows("INSERT INTO " + table() + " (queue, task, data) VALUES ('default', ?, CAST(? AS jsonb)) RETURNING id",
                task, json).get(0).get("id")).longValue();
    }

    @Test
    void undecodablePayloads_areFailedWithTheReason_unknownTasksRetried_andTheWorkerKeepsWorking() {
        Tasks producer = Tasks.create(pq); // knows Ghost's definition, but nothing here implements it
        Tasks tasks = Tasks.create(pq);
        Set<Integer> taken = ConcurrentHashMap.newKeySet();
        tasks.register(Good.class, taken::add);
        Good good = tasks.client(Good.class);

        good.take(1);
        producer.client(Ghost.class).boo("Casper");
        long ghost = producer.lastId();
        long notANumber = insert("Good.take", "[\"one\"]");
        long tooMany = insert("Good.take", "[1, 2]");
        long notAnArray = insert("Good.take", "{\"n\": 1}");
        long coreJob = pq.queue("default").put(Map.of("plain", "pq-core job"));
        tasks.register(new JobClassTest.ChargeCreditCard());
        long badCharge = insert("ChargeCreditCard", "{\"cardId\": \"not a number\"}");
        for (int i = 2; i <= 5; i++) {
            good.take(i);
        }

        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)));
        await("the good jobs ran", () -> taken.size() == 5);
        await("the bad jobs failed", () -> tasks.admin().failed(null, 10, 0).size() == 5);
        await("the unknown task's failure is recorded", () -> ((Number) row(ghost).get("error_count")).intValue() == 1);

        assertFailed(notANumber, "cannot decode job " + notANumber);
        assertFailed(tooMany, "expected 1 arguments, got 2");
        assertFailed(notAnArray, "arguments must be a JSON array");
        assertFailed(coreJob, "unknown task \"(none)\"");
        assertFailed(badCharge, "cannot decode job " + badCharge);
        assertTrue(((String) row(badCharge).get("last_error_message")).contains("Charge"), "names the type");
        for (long id : new long[] {notANumber, badCharge}) {
            String m = (String) row(id).get("last_error_message");
            assertTrue(m.contains("the job was marked failed") && !m.contains("left in the queue"), m);
        }
        assertEquals(Set.of(1, 2, 3, 4, 5), taken);

        // an unknown task (an old worker in a rolling deploy) is retried with Que's backoff, not failed
        Map<String, Object> g = row(ghost);
        assertNull(g.get("failed_at"), "not failed");
        assertTrue(((String) g.get("last_error_message")).contains("unknown task \"Ghost.boo\""));
        long in = java.time.Duration.between(java.time.Instant.now(), instant(g.get("schedule_at"))).toMillis();
        assertTrue(in > 1_000 && in <= 4_000, "retry in about 1^4 + 3 s: " + in + " ms");
        assertEquals(1, pending());

        // once the task is known, it runs
        tasks.register(Ghost.class, who -> taken.add(-1));
        makeDue(ghost);
        await("the ghost ran and its completion was recorded", () -> taken.contains(-1) && row(ghost) == null);
    }

    @Test
    void withNoUnknownTaskRetries_anUnknownTaskFailsAtOnce() {
        Tasks.create(pq).client(Ghost.class).boo("Casper"); // defined there, implemented nowhere
        Tasks tasks = Tasks.create(pq);
        tasks.register(Good.class, n -> { });
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)).unknownTaskRetries(0));
        await("failed at once", () -> tasks.admin().failed(null, 10, 0).size() == 1);
        assertFailed(tasks.admin().failed(null, 10, 0).get(0).id(), "unknown task \"Ghost.boo\"");
    }

    @Test
    void anUnknownTask_isFailedOnceItsRetriesAreUsedUp() {
        Tasks.create(pq).client(Ghost.class).boo("Casper");
        Tasks tasks = Tasks.create(pq);
        tasks.register(Good.class, n -> { });
        long id = count("SELECT max(id) FROM " + table());
        exec("UPDATE " + table() + " SET error_count = 2 WHERE id = ?", id);
        start(Worker.builder(tasks).workerCount(1).pollInterval(Duration.ofMillis(50)).unknownTaskRetries(2));
        await("failed after its third try", () -> tasks.admin().failed(null, 10, 0).size() == 1);
        assertEquals(3, ((Number) row(id).get("error_count")).intValue());
    }

    private void assertFailed(long id, String reason) {
        Map<String, Object> row = row(id);
        assertNotNull(row, "job " + id + " is kept");
        assertNotNull(row.get("failed_at"), "job " + id + " is failed");
        String message = (String) row.get("last_error_message");
        assertTrue(message.contains(reason), "job " + id + ": expected <" + reason + "> in: " + message);
        List<Long> failed = List.copyOf(rows("SELECT id FROM " + table() + " WHERE failed_at IS NOT NULL")
                .stream().map(r -> ((Number) r.get("id")).longValue()).toList());
        assertTrue(failed.contains(id));
    }
}
