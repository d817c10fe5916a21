package dev.pq.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark harness: runs every selected scenario against one PostgreSQL (the one at
 * {@code PQ_DATABASE_URL}, else an embedded one), each after a warm-up and repeated, then prints a
 * table of medians and spreads, pq's figures as fractions of the raw-SQL ones, and writes a JSON
 * file of every repeat to {@code pq-bench/results/}.
 *
 * <pre>
 * mvn -q -pl pq-bench -am package -DskipTests exec:java
 * mvn -q -pl pq-bench -am package -DskipTests exec:java -Dbench.duration=2 -Dbench.only=raw.insert,pq.put
 * </pre>
 *
 * Settings: {@code bench.warmup}, {@code bench.duration} (seconds), {@code bench.repeats},
 * {@code bench.prefill}, {@code bench.only}, {@code bench.out}; see {@link BenchConfig}.
 */
public final class BenchMain {
    private BenchMain() {
    }

    /** Every scenario, in the order they run. Later scenarios (peers, latency, drain) go here. */
    static List<Scenario> scenarios() {
        List<Scenario> all = new ArrayList<>(RawScenarios.all());
        all.addAll(PqScenarios.all());
        return all;
    }

    /** Which pq-core is measured: where its classes came from and its schema version. */
    static Map<String, Object> pqBuild() {
        Map<String, Object> out = new LinkedHashMap<>();
        java.security.CodeSource source = dev.pq.PQ.class.getProtectionDomain().getCodeSource();
        out.put("classes", source == null ? "?" : String.valueOf(source.getLocation()));
        out.put("schemaVersion", dev.pq.PQ.latestSchemaVersion());
        return out;
    }

    public static void main(String[] args) throws Exception {
        BenchConfig config = BenchConfig.load();
        List<Scenario> selected = scenarios().stream().filter(s -> config.selected(s.id())).toList();
        if (selected.isEmpty()) {
            System.err.println("no scenario matches bench.only=" + config.only() + "; ids: "
                    + scenarios().stream().map(Scenario::id).toList());
            System.exit(2);
        }
        System.out.printf("pq-bench: %d scenarios, warm-up %.1f s, %d x %.1f s each, prefill %,d jobs; "
                        + "%d cores, Java %s%n", selected.size(), config.warmup().toMillis() / 1e3, config.repeats(),
                config.duration().toMillis() / 1e3, config.prefill(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        System.out.println("pq-core: " + pqBuild());
        Map<String, Report.Result> results;
        Map<String, Object> server;
        try (BenchDb db = BenchDb.open()) {
            server = db.info();
            System.out.printf("database: %s PostgreSQL %s, synchronous_commit=%s%n",
                    db.embedded ? "embedded" : "PQ_DATABASE_URL", server.get("server_version"),
                    server.get("synchronous_commit"));
            results = measure(db, config, selected);
        }
        Report report = new Report(config, server, results);
        System.out.println();
        report.print(System.out);
        System.out.println("results: " + report.write());
    }

    /**
     * A warm-up pass over every scenario, then the measured repeats in interleaved rounds (each
     * round runs every scenario once), so that drift on a noisy machine touches all of them alike
     * and the ratios stay fair.
     */
    private static Map<String, Report.Result> measure(BenchDb db, BenchConfig config, List<Scenario> scenarios)
            throws Exception {
        if (!config.warmup().isZero()) {
            System.out.print("warm-up:");
            for (Scenario s : scenarios) {
                once(db, config, s, config.warmup());
                System.out.print(" " + s.id());
                System.out.flush();
            }
            System.out.println();
        }
        Map<String, List<Scenario.Run>> runs = new LinkedHashMap<>();
        for (int r = 1; r <= config.repeats(); r++) {
            System.out.printf("round %d/%d:", r, config.repeats());
            for (Scenario s : scenarios) {
                Scenario.Run run = once(db, config, s, config.duration());
                runs.computeIfAbsent(s.id(), k -> new ArrayList<>()).add(run);
                System.out.printf(" %s %,.0f%s", s.id(), run.value(), run.extra().containsKey("ranDry") ? "*" : "");
                System.out.flush();
            }
            System.out.println();
        }
        Map<String, Report.Result> results = new LinkedHashMap<>();
        for (Scenario s : scenarios) {
            List<Scenario.Run> mine = runs.get(s.id());
            results.put(s.id(), new Report.Result(s, mine, Stats.of(mine.stream().map(Scenario.Run::value).toList())));
        }
        return results;
    }

    private static Scenario.Run once(BenchDb db, BenchConfig config, Scenario s, java.time.Duration length)
            throws Exception {
        s.setUp(db);
        try {
            return s.run(db, config, length);
        } finally {
            s.tearDown();
        }
    }
}
