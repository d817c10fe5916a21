package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmokeTest extends PgTest {
    @Test
    void putThenGet_returnsTheJob() {
        Queue<Object> q = pq.queue("apples");
        long id = q.put(Map.of("kind", "Cox"));
        Job<Object> job = q.get().orElseThrow();
        assertEquals(id, job.id());
        assertEquals(Map.of("kind", "Cox"), job.data());
        System.out.println(job);
        assertTrue(q.poll().isEmpty());
        long[] ids = q.putAll(List.of("a", "b", "c"));
        assertEquals(3, ids.length);
        assertEquals("a", q.get().orElseThrow().data());
        try (Transaction<Object> tx = q.transaction()) {
            assertEquals("b", tx.get().orElseThrow().data());
        }
        assertEquals("b", q.get().orElseThrow().data());
        q.put("late", Duration.ofMillis(300));
        long t0 = System.nanoTime();
        Job<Object> late = q.get(Duration.ofSeconds(2)).orElseThrow();
        assertEquals("c", late.data());
        late = q.get(Duration.ofSeconds(2)).orElseThrow();
        assertEquals("late", late.data());
        System.out.println("late after ms " + (System.nanoTime() - t0) / 1e6);
        assertEquals(List.of(), pq.queues());
    }
}
