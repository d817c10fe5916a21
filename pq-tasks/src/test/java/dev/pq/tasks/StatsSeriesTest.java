package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.PQ;
import dev.pq.tasks.internal.StatsSeries;
import dev.pq.testing.TestDatabase;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stats over time: buckets that add up to the jobs run, written in batches, pruned, with the depth sampled. */
@Timeout(120)
class StatsSeriesTest extends TasksTestBase {
    public interface Ledger {
        @Task(queue = "left")
        void left(int n);

        @Task(queue = "right")
        void right(int n);
    }

    /** Every 7th job fails (and is not retried: @Task methods default to maxRetries 0). */
    static final class Failing implements Ledger {
        @Override
        public void left(int n) {
            fail(n);
        }

        @Override
        public void right(int n) {
            fail(n);
        }

        private static void fail(int n) {
            if (n % 7 == 0) {
                throw new IllegalStateException("job " + n + " fails");
            }
        }
    }

    /** Statements run through a data source, by their pq name. */
    private static final class Counting {
        final Map<String, AtomicLong> byName = new ConcurrentHashMap<>();
        private static final Pattern NAME = Pattern.compile("^/\\* pq:(\\w+) \\*/");

        DataSource dataSource() {
            String url = TestDatabase.url();
            InvocationHandler ds = (proxy, m, args) -> switch (m.getName()) {
                case "getConnection" -> counted(DriverManager.getConnection(url));
                case "unwrap" -> null;
                case "isWrapperFor" -> false;
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "counting data source";
                default -> throw new UnsupportedOperationException(m.getName());
            };
            return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, ds);
        }

        private Connection counted(Connection real) {
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, m, args) -> {
                        if (m.getName().startsWith("prepare") && args != null && args[0] instanceof String sql) {
                            Matcher n = NAME.matcher(sql);
                            byName.computeIfAbsent(n.find() ? n.group(1) : "other", k -> new AtomicLong()).incrementAndGet();
                        }
                        if (m.getName().equals("unwrap")) {
                            return real.unwrap((Class<?>) args[0]);
                        }
                        try {
                            return m.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        long count(String name) {
            AtomicLong n = byName.get(name);
            return n == null ? 0 : n.get();
        }
    }

    private long sum(List<StatsBucket> buckets, java.util.function.ToLongFunction<StatsBucket> f) {
        return buckets.stream().mapToLong(f).sum();
    }

    @Test
    void theBuckets_addUpToTheLedgerOfTenThousandJobs_perQueueAndTask_byMinuteAndByHour() throws Exception {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Tasks tasks = Tasks.create(pq).register(Ledger.class, new Failing());
        Ledger client = tasks.client(Ledger.class);
        try (Connection c = TestDatabase.connect()) {
            c.setAutoCommit(false);
            Ledger inTx = tasks.client(Ledger.class, Enqueue.options().in(c));
            for (int n = 0; n < 10_000; n++) {
                if (n % 2 == 0) {
                    inTx.left(n);
                } else {
                    inTx.right(n);
                }
            }
            c.commit();
        }
        Worker w = start(Worker.builder(tasks).queues("*").workerCount(8).heartbeatInterval(Duration.ofMillis(200)));
        assertTrue(w.awaitDrained(Duration.ofSeconds(90)), "drained");
        w.close(); // the last heartbeat writes the last buckets
        assertTrue(client != null);

        Admin admin = tasks.admin();
        Instant to = Instant.now().plus(1, ChronoUnit.MINUTES);
        List<StatsBucket> all = admin.stats(StatsBucket.Size.MINUTE, t0, to, null, null);
        // the ledger: 10,000 runs; n % 7 == 0 failed (0, 7, ..., 9996: 1,429 of them), half in each queue
        assertEquals(10_000, sum(all, StatsBucket::processed));
        assertEquals(1_429, sum(all, StatsBucket::failed));
        assertEquals(0, sum(all, StatsBucket::cancelled));
        List<StatsBucket> left = admin.stats(StatsBucket.Size.MINUTE, t0, to, "left", null);
        assertEquals(5_000, sum(left, StatsBucket::processed));
        assertEquals(715, sum(left, StatsBucket::failed), "even multiples of 7 below 10,000");
        List<StatsBucket> right = admin.stats(StatsBucket.Size.MINUTE, t0, to, null, "Ledger.right");
        assertEquals(5_000, sum(right, StatsBucket::processed));
        assertEquals(714, sum(right, StatsBucket::failed));
        List<StatsBucket> hours = admin.stats(StatsBucket.Size.HOUR, t0.minus(1, ChronoUnit.HOURS), to, null, null);
        assertEquals(10_000, sum(hours, StatsBucket::processed), "the hour buckets hold the same runs");
        assertEquals(1_429, sum(hours, StatsBucket::failed));
        for (StatsBucket b : all) {
            assertTrue(!b.start().isBefore(t0) && b.start().isBefore(to), b.toString());
            assertEquals(b.processed(), b.waitTime().count(), "every run has a wait: " + b);
            assertEquals(b.processed(), b.runTime().count(), "every run has a run time: " + b);
            assertTrue(b.waitTime().p50().compareTo(b.waitTime().p99()) <= 0, b.toString());
        }
        // in the database: no bucket twice (the key), and each minute bucket inside its hour
        assertEquals(0, count("SELECT count(*) FROM " + schema + ".queue_stats_series WHERE span_s = 60 "
                + "AND date_trunc('minute', bucket) <> bucket"));
    }

    @Test
    void theSeries_isWrittenInBatches_notOneStatementPerJob() throws Exception {
        Counting counting = new Counting();
        try (PQ counted = PQ.builder().dataSource(counting.dataSource()).schema(schema).build()) {
            Tasks tasks = Tasks.create(counted).register(Ledger.class, new Failing());
            Ledger client = tasks.client(Ledger.class);
            for (int n = 1; n <= 500; n++) {
                client.left(n);
            }
            long t0 = System.nanoTime();
            try (Worker w = Worker.builder(tasks).queues("left").workerCount(4).heartbeatInterval(Duration.ofMillis(200))
                    .build().start()) {
                assertTrue(w.awaitDrained(Duration.ofSeconds(60)));
            }
            long beats = (System.nanoTime() - t0) / 200_000_000L + 2;
            long writes = counting.count("addSeries");
            assertTrue(writes >= 1 && writes <= beats, writes + " series writes for " + beats + " heartbeats");
            assertTrue(counting.count("pruneSeries") <= 2 && counting.count("sampleDepth") <= 2,
                    "maintenance runs once a minute: " + counting.byName);
            assertEquals(500, tasks.admin().stats(StatsBucket.Size.MINUTE, Instant.now().minus(1, ChronoUnit.HOURS),
                    Instant.now().plus(1, ChronoUnit.MINUTES), null, null).stream().mapToLong(StatsBucket::processed).sum());
        }
    }

    @Test
    void oldBuckets_arePruned_byTheirSize_andTheDepthIsSampled() {
        String series = schema + ".queue_stats_series";
        String hist = "'{" + "0,".repeat(StatsSeries.BINS - 1) + "0}'";
        for (String[] row : new String[][] {{"60", "2 days"}, {"60", "1 hour"}, {"3600", "40 days"}, {"3600", "2 days"}}) {
            exec("INSERT INTO " + series + " VALUES (" + row[0] + ", date_trunc('minute', now() - interval '" + row[1]
                    + "'), 'q', 't', 1, 0, 0, " + hist + ", " + hist + ")");
        }
        Tasks tasks = Tasks.create(pq).register(Ledger.class, new Failing());
        tasks.enqueue("Ledger.right", Enqueue.options(), 1);
        tasks.enqueue("Ledger.right", Enqueue.options(), 2);
        tasks.enqueue("Ledger.right", Enqueue.options().scheduleAt(Duration.ofHours(1)), 3);
        // a worker of another queue: it still prunes and samples for the whole table
        start(Worker.builder(tasks).queues("left").heartbeatInterval(Duration.ofMillis(200))
                .statsMaintenance(Duration.ofMillis(300)));
        await("the old buckets are pruned", () -> count("SELECT count(*) FROM " + series) == 2);
        assertEquals(List.of("60 1 hour", "3600 2 days"), rows("SELECT span_s || ' ' || CASE WHEN bucket > now() - "
                + "interval '1 day' THEN '1 hour' ELSE '2 days' END AS r FROM " + series + " ORDER BY span_s").stream()
                .map(r -> (String) r.get("r")).toList());
        await("the depth is sampled", () -> !tasks.admin().depth(StatsBucket.Size.MINUTE,
                Instant.now().minus(5, ChronoUnit.MINUTES), Instant.now().plus(1, ChronoUnit.MINUTES), "right").isEmpty());
        DepthSample d = tasks.admin().depth(StatsBucket.Size.MINUTE, Instant.now().minus(5, ChronoUnit.MINUTES),
                Instant.now().plus(1, ChronoUnit.MINUTES), "right").get(0);
        assertEquals(2, d.ready());
        assertEquals(1, d.scheduled());
    }

    @Test
    void binsAndPercentiles_boundTheTrueValuesFromAbove_withinHalfAnOctave() {
        assertEquals(0, StatsSeries.bin(0));
        assertEquals(1, StatsSeries.bin(1));
        assertEquals(3, StatsSeries.bin(2)); // [2, 2.83)
        assertEquals(4, StatsSeries.bin(3)); // [2.83, 4)
        for (long us : new long[] {1, 5, 999, 1_000, 1_500, 123_456, 86_400_000_000L}) {
            double upper = StatsSeries.upperMicros(StatsSeries.bin(us));
            assertTrue(upper > us && upper <= us * Math.sqrt(2) + 1e-9 || StatsSeries.bin(us) == StatsSeries.BINS - 1,
                    us + " µs -> bin upper bound " + upper);
        }
        assertEquals(StatsSeries.BINS - 1, StatsSeries.bin(Long.MAX_VALUE));
    }
}
