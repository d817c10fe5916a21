package dev.pq.chaos;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scenario 7 (a command only, never in CI): the standard jobs at half the measured maximum rate
 * for a long time (1 h by default), sampling every 10 s the heap of each worker JVM (after a full
 * GC, recorded by the worker itself), the workers' connections (pq's: pool, locker, listener;
 * the harness's own ledger connections are reported apart) and the queue table's size with
 * indexes. Each must stay flat ({@link Flatness}). The maximum is measured first: an unthrottled
 * producer for 10 s, its completions per second over the last 5 s.
 */
final class SoakScenario implements Scenario {
    private static final double MB = 1048576.0;
    private final Duration length;

    SoakScenario(Duration length) {
        this.length = length;
    }

    @Override
    public String id() {
        return "soak";
    }

    @Override
    public String title(Scale s) {
        return "soak: half the measured maximum rate for " + length.toMinutes() + " min";
    }

    @Override
    public ScenarioResult run(Env env) throws Exception {
        try (Run run = Run.begin(env, id(), 2, Run.THREADS, 10);
             Sampler sampler = new Sampler(env, Duration.ofSeconds(10), 1)) {
            Instant m0 = Instant.now();
            run.produce(0, Sleeps.uniform(0, 5));
            Sleeps.millis(10_000);
            run.stopProducer();
            Instant m1 = Instant.now();
            Ledger.awaitDrained(env, env.scale().drainTimeout());
            double max;
            try (Connection c = env.admin()) {
                max = Ledger.count(c, LedgerSql.EFFECTS_BETWEEN, m1.minusSeconds(5), m1) / 5.0;
            }
            double rate = max / 2;
            run.notes.add(String.format("maximum %.0f jobs/s (unthrottled producer, completions over 5 s); soak at %.0f/s",
                    max, rate));
            sampler.start();
            Instant s0 = Instant.now();
            run.produce(rate, Sleeps.uniform(0, 5));
            Sleeps.of(length);
            run.stopProducer();
            Instant s1 = Instant.now();
            sampler.close();
            List<Flatness> checks = new ArrayList<>();
            List<Double> connections = new ArrayList<>();
            List<Double> all = new ArrayList<>();
            List<Double> table = new ArrayList<>();
            for (Sampler.Sample s : sampler.detailed(s0, s1)) {
                connections.add((double) s.workerConnections());
                all.add((double) s.connections());
                table.add((double) s.tableBytes());
            }
            Map<String, List<Double>> heaps = heaps(env, s0, s1);
            heaps.forEach((w, series) -> checks.add(Flatness.of("heap of " + w, series, 0.2, 8 * MB)));
            Flatness conns = Flatness.of("worker connections", connections, 0, 2);
            Flatness size = Flatness.of("queue table+indexes", table, 0.5, 2 * MB);
            for (Flatness f : checks) {
                run.notes.add(f.describe(" MB", MB));
            }
            run.notes.add(conns.describe("", 1) + "; all chaos connections (with the ledger's and the producer's): "
                    + Flatness.of("all", all, 0, 2).describe("", 1).replaceFirst("^all: ", ""));
            run.notes.add(size.describe(" MB", MB));
            checks.add(conns);
            checks.add(size);
            return run.finish(title(env.scale()), null, null, v -> {
                for (Flatness f : checks) {
                    v.add(f.what() + " flat", f.flat(), f.what().startsWith("worker") ? f.describe("", 1) : f.describe(" MB", MB));
                }
            });
        }
    }

    private static Map<String, List<Double>> heaps(Env env, Instant from, Instant to) throws Exception {
        Map<String, List<Double>> out = new TreeMap<>();
        try (Connection c = env.admin(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LedgerSql.HEAP)) {
            while (rs.next()) {
                Instant at = rs.getTimestamp(3).toInstant();
                if (!at.isBefore(from) && at.isBefore(to)) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add((double) rs.getLong(4));
                }
            }
        }
        return out;
    }
}
