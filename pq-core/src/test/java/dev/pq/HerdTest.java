package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.internal.Internals;
import dev.pq.internal.Listener;
import dev.pq.testing.PgTest;
import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several processes idle on one queue: a notification wakes one listener at once and the others a
 * moment later ({@code Stagger}), so when the first one does not take the job (its worker is busy,
 * here: registered with no getter) another does, within the delay and not at its next poll.
 */
@Timeout(60)
class HerdTest extends PgTest {
    @Test
    void aJobWhoseFirstListenerDoesNotTakeIt_isTakenByAnotherLongBeforeTheirPoll() throws Exception {
        List<PQ> pqs = new ArrayList<>();
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Connection> senders = new ArrayList<>();
        try {
            String app = "pq_herd_" + System.nanoTime();
            for (int i = 0; i < 3; i++) {
                pqs.add(builder().url(TestDatabase.url("ApplicationName=" + app + "_" + i))
                        .pollInterval(Duration.ofSeconds(60)).build());
            }
            // pqs[0] is registered on the queue but nobody there gets: a busy worker
            Listener busy = Internals.engine(pqs.get(0)).listener();
            busy.ensureStarted();
            busy.register("herd");
            CompletionService<Optional<Job<Object>>> getters = new ExecutorCompletionService<>(pool);
            for (int i = 1; i < 3; i++) {
                Queue<Object> q = pqs.get(i).queue("herd");
                getters.submit(() -> q.get(Duration.ofSeconds(45)));
            }
            await("every listener sees the three", Duration.ofSeconds(20), () -> pqs.stream()
                    .allMatch(p -> Internals.engine(p).listener().viewed("herd") == 3));

            List<Integer> pids = new ArrayList<>();
            try (Connection c = TestDatabase.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pid FROM " + schema + ".queue_waiters WHERE queue = 'herd' ORDER BY pid")) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
            int busyPid = ((Number) queryOne("SELECT pid FROM pg_stat_activity WHERE application_name = ? "
                    + "AND query LIKE 'LISTEN %'", app + "_0")).intValue();
            assertTrue(pids.contains(busyPid), pids + " lacks the busy listener " + busyPid);
            Connection sender = null;
            for (int tries = 0; tries < 60 && sender == null; tries++) {
                Connection c = TestDatabase.connect();
                senders.add(c);
                int pid = c.unwrap(org.postgresql.PGConnection.class).getBackendPID();
                if (pids.get(Math.floorMod(pid, pids.size())) == busyPid) {
                    sender = c;
                }
            }
            assertTrue(sender != null, "no connection whose notifications go to the busy listener first");
            sender.setAutoCommit(true);

            long id = pq.queue("herd").put(sender, (Object) "for whoever is free");
            // the poll is 60 s: only a (deferred) wake-up is this fast
            Future<Optional<Job<Object>>> first = getters.poll(10, TimeUnit.SECONDS);
            assertTrue(first != null, "no getter woke within 10 s");
            assertEquals(id, first.get().orElseThrow().id());
            assertEquals(0, rowCount());
        } finally {
            pool.shutdownNow();
            for (Connection c : senders) {
                c.close();
            }
            for (PQ p : pqs) {
                p.close();
            }
        }
    }
}
