package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import dev.pq.testing.PgTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatsCommandTest extends PgTest {
    private static final List<String> STATS = List.of("stats");
    private Tasks tasks;

    @BeforeEach
    void tasks() {
        TestSetup.reset();
        tasks = TestSetup.register(Tasks.create(pq));
    }

    @Test
    void stats_onAnEmptyTable() {
        Cli.Result r = Cli.db(schema, STATS);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("no pending jobs"), r.out());
        assertTrue(r.out().contains("no live workers"), r.out());
        assertTrue(r.out().contains("processed: 0"), r.out());
    }

    @Test
    void stats_tablePerQueueAndTask_liveWorkers_andCounters() throws Exception {
        TestSetup.Orchard orchard = tasks.client(TestSetup.Orchard.class);
        orchard.eat("Cox");
        orchard.eat("Gala");
        orchard.pear("Comice");
        tasks.enqueue(TestSetup.Boom.class, "x");

        Cli.Result r = Cli.db(schema, STATS);
        assertEquals(0, r.code(), r.toString());
        String out = r.out();
        assertTrue(out.contains("queue") && out.contains("task") && out.contains("count") && out.contains("working")
                && out.contains("errored") && out.contains("highest errors") && out.contains("oldest run at"), out);
        assertTrue(Pattern.compile("(?m)^apples +Orchard\\.eat +2 +0 +0 +0 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$")
                .matcher(out).find(), out);
        assertTrue(Pattern.compile("(?m)^pears +Orchard\\.pear +1 ").matcher(out).find(), out);
        assertTrue(Pattern.compile("(?m)^boom +Boom +1 ").matcher(out).find(), out);
        assertTrue(out.contains("4 pending jobs"), out);

        // a live worker holding a job, and counters after it ran the others
        TestSetup.release = new CountDownLatch(1);
        tasks.enqueue(TestSetup.Blocker.class, "hold");
        try (Worker w = Worker.builder(tasks).queues("block", "apples").workerCount(2)
                .heartbeatInterval(Duration.ofMillis(100)).build().start()) {
            try {
                assertTrue(TestSetup.started.await(30, TimeUnit.SECONDS));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                Cli.Result live;
                do {
                    Thread.sleep(100);
                    live = Cli.db(schema, STATS);
                } while (!(live.out().contains("Working now") && live.out().contains("processed: 2"))
                        && System.nanoTime() < deadline);
                assertEquals(0, live.code(), live.toString());
                String o = live.out();
                assertTrue(o.contains(w.id()), o);
                assertTrue(o.contains("block,apples"), o);
                assertTrue(Pattern.compile("(?m)^ *\\d+ +block +Blocker +" + Pattern.quote(w.id())).matcher(o).find(), o);
                assertTrue(Pattern.compile("(?m)^block +Blocker +1 +1 ").matcher(o).find(), "working count: " + o);
                assertTrue(o.contains("processed: 2"), o);
                assertTrue(o.contains("failed:    0"), o);
                assertTrue(!o.contains("Orchard.eat"), "apples were eaten: " + o);
            } finally {
                TestSetup.release.countDown(); // before the worker closes
            }
        }
    }

    @Test
    void stats_showsThePausedQueues_andTheLastHourPerQueue() throws Exception {
        TestSetup.Orchard orchard = tasks.client(TestSetup.Orchard.class);
        for (int i = 0; i < 3; i++) {
            orchard.eat("Cox" + i);
        }
        try (Worker w = Worker.builder(tasks).queues("apples").workerCount(1)
                .heartbeatInterval(java.time.Duration.ofMillis(200)).build().start()) {
            assertTrue(w.awaitDrained(java.time.Duration.ofSeconds(30)));
        } // closing writes the last stats
        tasks.admin().pause("pears");
        Cli.Result r = Cli.db(schema, STATS);
        assertEquals(0, r.code(), r.toString());
        String o = r.out();
        assertTrue(o.contains("Paused (pq resume)") && o.contains("  pears since "), o);
        assertTrue(Pattern.compile("(?m)^apples +3 +0 +0 +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms$").matcher(o).find(),
                "the last hour of the apples queue: " + o);
    }

    @Test
    void stats_withoutTheTable_isARuntimeFailure() {
        pq.migrate(0);
        Cli.Result r = Cli.db(schema, STATS);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().startsWith("pq stats: error:"), r.err());
    }
}
