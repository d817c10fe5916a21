package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Jobs a worker cannot run (unknown task, undecodable payload) are failed with the reason and kept; the rest run. */
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
    void unknownTasksAndUndecodablePayloads_areFailedWithTheReason_andTheWorkerKeepsWorking() {
        Tasks producer = Tasks.create(pq); // knows Ghost's definition, but nothing here implements it
        Tasks tasks = Tasks.create(pq);
        Set<Integer> taken = ConcurrentHashMap.newKeySet();
        tasks.register(Good.class, taken::add);
        Good good = tasks.client(Good.class);

        good.take(1);
        producer.client(Ghost.class).boo("Casper");
        long ghost = tasks.lastId();
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
        await("the bad jobs failed", () -> tasks.admin().failed(null, 10, 0).size() == 6);

        assertFailed(ghost, "unknown task \"Ghost.boo\"");
        assertFailed(notANumber, "cannot decode job " + notANumber);
        assertFailed(tooMany, "expected 1 arguments, got 2");
        assertFailed(notAnArray, "arguments must be a JSON array");
        assertFailed(coreJob, "unknown task \"(none)\"");
        assertFailed(badCharge, "cannot decode job " + badCharge);
        assertTrue(((String) row(badCharge).get("last_error_message")).contains("Charge"), "names the type");
        assertEquals(Set.of(1, 2, 3, 4, 5), taken);
        assertEquals(0, pending());

        // once the task is known, the kept job can be retried
        tasks.register(Ghost.class, who -> taken.add(-1));
        assertTrue(tasks.admin().retryFailed(ghost));
        await("the retried ghost ran", () -> taken.contains(-1));
    }

    private void assertFailed(long id, String reason) {
        Map<String, Object> row = row(id);
        assertNotNull(row, "job " + id + " is kept");
        assertNotNull(row.get("expired_at"), "job " + id + " is failed");
        assertEquals(1, ((Number) row.get("error_count")).intValue());
        String message = (String) row.get("last_error_message");
        assertTrue(message.contains(reason), "job " + id + ": expected <" + reason + "> in: " + message);
        List<Long> failed = List.copyOf(rows("SELECT id FROM " + table() + " WHERE expired_at IS NOT NULL")
                .stream().map(r -> ((Number) r.get("id")).longValue()).toList());
        assertTrue(failed.contains(id));
    }
}
