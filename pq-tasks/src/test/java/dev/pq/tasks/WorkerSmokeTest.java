package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerSmokeTest extends PgTest {
    public interface Orchard {
        @Task(queue = "apples")
        void eat(String kind, int n);
    }

    public record Charge(long card, long user) {
    }

    @Task(priority = 10, queue = "billing")
    public static final class ChargeCard implements JobHandler<Charge> {
        static final AtomicInteger runs = new AtomicInteger();

        @Override
        public void run(Charge args, JobContext job) {
            runs.incrementAndGet();
        }
    }

    @Test
    void worker_runsEveryJobOnce() throws Exception {
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger dup = new AtomicInteger();
        Tasks tasks = Tasks.create(pq);
        tasks.register(Orchard.class, (kind, n) -> {
            if (!seen.add(n)) {
                dup.incrementAndGet();
            }
        });
        tasks.register(new ChargeCard());
        Orchard orchard = tasks.client(Orchard.class);
        for (int i = 0; i < 500; i++) {
            orchard.eat("Cox", i);
        }
        tasks.enqueue(ChargeCard.class, new Charge(1, 2));
        long t0 = System.nanoTime();
        try (Worker w = Worker.builder(tasks).workerCount(4).build().start()) {
            assertTrue(w.awaitDrained(Duration.ofSeconds(30)));
            System.out.println("drained in ms " + (System.nanoTime() - t0) / 1e6 + " processed " + w.processed());
            System.out.println(tasks.admin().workers());
        }
        assertEquals(500, seen.size());
        assertEquals(0, dup.get());
        assertEquals(1, ChargeCard.runs.get());
        assertEquals(0, pq.queue("apples").size());
        System.out.println(tasks.admin().counters());
    }
}
