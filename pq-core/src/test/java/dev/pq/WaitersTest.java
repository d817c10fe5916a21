package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.internal.Sql;
import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The waiters registry: a put notifies a queue's channel only while some listener waits on that
 * queue, and the race between a waiter registering and a put committing costs at most one poll
 * interval, never a job.
 */
@Timeout(120)
class WaitersTest extends PgTest {
    private String channel() {
        return new Sql(schema, "queue").channel;
    }

    private long waiterRows(String queue) {
        return queryLong("SELECT count(*) FROM " + schema + ".queue_waiters WHERE queue = ?", queue);
    }

    /** Notifications on {@code c} within {@code ms} (pgjdbc waits up to that long for the first). */
    private static List<String> notifications(Connection c, int ms) throws Exception {
        PGNotification[] got = c.unwrap(PGConnection.class).getNotifications(ms);
        List<String> out = new ArrayList<>();
        if (got != null) {
            for (PGNotification n : got) {
                out.add(n.getParameter());
            }
        }
        return out;
    }

    @Test
    void put_withNobodyWaiting_doesNotNotify_andWithARegisteredWaiter_does() throws Exception {
        try (Connection raw = TestDatabase.connect(); Statement st = raw.createStatement()) {
            raw.setAutoCommit(true);
            st.execute("LISTEN \"" + channel() + "\""); // listens, but is not registered as a waiter
            pq.queue("idle").put("nobody waits");
            pq.queue("idle").putAll(List.of("a", "b"));
            assertEquals(List.of(), notifications(raw, 500), "a put nobody waits for sends no notification");

            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Optional<Job<Object>>> getter = pool.submit(() -> pq.queue("waited").get(Duration.ofSeconds(30)));
                await("the getter registered", () -> waiterRows("waited") == 1);
                long id = pq.queue("waited").put("somebody waits");
                assertEquals(List.of("waited"), notifications(raw, 10_000), "the waited queue is notified");
                assertEquals(id, getter.get(30, TimeUnit.SECONDS).orElseThrow().id());
                pq.queue("idle").put("still nobody");
                assertEquals(List.of(), notifications(raw, 300), "only the queue waited on is notified");
            } finally {
                pool.shutdownNow();
            }
            await("the registration goes once nobody waits", Duration.ofSeconds(20), () -> waiterRows("waited") == 0);
        }
    }

    @Test
    void closingThePQ_removesItsRegistrations() {
        try (PQ other = builder().poolSize(3).build()) {
            assertTrue(other.queue("brief").get(Duration.ofMillis(50)).isEmpty());
            assertEquals(1, waiterRows("brief"), "the registration lingers after the get");
        }
        assertEquals(0, waiterRows("brief"));
    }

    @Test
    void staleRowsOfGoneBackends_areRemovedWhenAListenerConnects() {
        TestDatabase.execute("INSERT INTO " + schema + ".queue_waiters (queue, pid) VALUES ('ghost', -42)");
        assertTrue(pq.queue("any").get(Duration.ofMillis(10)).isEmpty()); // starts the listener
        assertEquals(0, waiterRows("ghost"));
    }

    /**
     * Many rounds in which a getter of a fresh PQ starts waiting (registers) at the moment a
     * producer puts: each job is taken within the poll interval plus a margin, and none is lost.
     */
    @Test
    void racingPutAndRegistration_everyJobIsTakenWithinThePollInterval() throws Exception {
        Duration poll = Duration.ofMillis(500);
        long boundMs = poll.toMillis() + 2_000; // a bound, not a speed check: a missed wake-up costs one poll
        int rounds = 40;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Set<Long> taken = new HashSet<>();
        try {
            for (int i = 0; i < rounds; i++) {
                String queue = "race" + i;
                CyclicBarrier go = new CyclicBarrier(2);
                long delayMicros = ThreadLocalRandom.current().nextLong(0, 20_000); // spread over the registration
                try (PQ consumer = builder().poolSize(3).pollInterval(poll).build()) {
                    Future<Optional<Job<Object>>> got = pool.submit(() -> {
                        go.await(10, TimeUnit.SECONDS);
                        return consumer.queue(queue).get(Duration.ofSeconds(30));
                    });
                    Future<long[]> put = pool.submit(() -> {
                        go.await(10, TimeUnit.SECONDS);
                        TimeUnit.MICROSECONDS.sleep(delayMicros);
                        long id = pq.queue(queue).put("round");
                        return new long[] {id, System.nanoTime()};
                    });
                    long[] p = put.get(30, TimeUnit.SECONDS);
                    Job<Object> job = got.get(30, TimeUnit.SECONDS)
                            .orElseThrow(() -> new AssertionError("round " + queue + ": the job was not taken"));
                    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - p[1]);
                    assertEquals(p[0], job.id());
                    assertTrue(waitedMs <= boundMs, "round " + queue + ": taken " + waitedMs + " ms after the put");
                    taken.add(job.id());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(rounds, taken.size());
        assertEquals(0, rowCount(), "no job is left behind");
    }
}
