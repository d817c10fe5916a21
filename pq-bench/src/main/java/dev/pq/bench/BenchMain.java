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
 * {@code bench.prefill}, {@code bench.only}, {@code bench.out}; see {@link BenchConfig}. Issue 13's
 * horizontal scale runs only when named: {@code -Dbench.only=pq.scale} (see {@link ScaleBench}).
 */
public final class BenchMain {
    private BenchMain() {
    }

    /** Every interleaved scenario, in the order each round runs them. */
    static List<Scenario> scenarios() {
        List<Scenario> all = new ArrayList<>(RawScenarios.all());
        all.addAll(PqScenarios.all());
        all.addAll(TaskScenarios.all());
        all.addAll(WorkerScenarios.all());
        all.addAll(DeepScenarios.all());
        all.addAll(JavaPeers.all());
        all.addAll(QuartzPeer.all());
        return all;
    }

    /** Ids of what runs outside the rounds, for bench.only. */
    static final List<String> OTHER_IDS = List.of("peer.graphile", "peer.pgboss", "pq.churn", "pq.scale.p1",
            "pq.scale.p2", "pq.scale.p4", "pq.scale.p8");

    /** Which pq-core is measured: where its classes came from and its schema version. */
    static Map<String, Object> pqBuild() {
        Map<String, Object> out = new LinkedHashMap<>();
        java.security.CodeSource source = dev.pq.PQ.class.getProtectionDomain().getCodeSource();
        out.put("classes", source == null ? "?" : String.valueOf(source.getLocation()));
        out.put("schemaVersion", dev.pq.PQ.latestSchemaVersion());
        return out;
    }

    /**
     * Runs the benchmark; any failure ends it with one line on stderr and exit status 1 (the stack
     * trace too with {@code -Dbench.debug=true} or {@code BENCH_DEBUG=true}).
     */
    public static void main(String[] args) {
        try {
            run();
        } catch (Throwable e) {
            boolean debug = Boolean.parseBoolean(BenchConfig.setting("debug", "false"));
            System.out.flush();
            System.err.println("pq-bench: " + BenchFailure.describe(e)
                    + (debug ? "" : " (-Dbench.debug=true for the stack trace)"));
            if (debug) {
                e.printStackTrace();
            }
            System.err.flush();
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        BenchConfig config = BenchConfig.load();
        List<Scenario> selected = new ArrayList<>(scenarios().stream().filter(s -> config.selected(s.id())).toList());
        // the lifecycle comparison (issue #8's decision) runs when asked for: bench.only=life
        if (!config.only().isEmpty()) {
            LifecycleScenarios.all().stream().filter(s -> config.selected(s.id())).forEach(selected::add);
            // issue 11's kept-history get and retention under load: bench.only=pq.keptget, prune
            PqScenarios.kept().stream().filter(s -> config.selected(s.id())).forEach(selected::add);
            RetentionScenarios.all().stream().filter(s -> config.selected(s.id())).forEach(selected::add);
            // issue 12's virtual threads (Java 21+): bench.only=pq.vthreads
            VThreadScenarios.all().stream().filter(s -> config.selected(s.id())).forEach(selected::add);
            // issue 13's big tables (10M rows, built once and kept in pq_bench_big): bench.only=pq.big
            BigScenarios.all().stream().filter(s -> config.selected(s.id())).forEach(selected::add);
        }
        // issue 13's horizontal scale, on a cluster of its own: bench.only=pq.scale (see ScaleBench)
        boolean scale = ScaleBench.wanted(config);
        if (scale) {
            boolean ok = ScaleBench.run(config, System.out);
            boolean rest = !selected.isEmpty() || config.selected("peer.graphile") || config.selected("peer.pgboss")
                    || config.selected("pq.churn");
            if (!ok || !rest) {
                if (!ok) {
                    System.exit(1);
                }
                return;
            }
        }
        boolean nodePeers = config.selected("peer.graphile") || config.selected("peer.pgboss");
        boolean churn = config.selected("pq.churn");
        if (selected.isEmpty() && !nodePeers && !churn) {
            System.err.println("no scenario matches bench.only=" + config.only() + "; ids: "
                    + scenarios().stream().map(Scenario::id).toList() + " " + OTHER_IDS);
            System.exit(2);
        }
        System.out.printf("pq-bench: %d scenarios, warm-up %.1f s, %d x %.1f s each, prefill %,d jobs; "
                        + "%d cores, Java %s%n", selected.size(), config.warmup().toMillis() / 1e3, config.repeats(),
                config.duration().toMillis() / 1e3, config.prefill(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        System.out.println("pq-core: " + pqBuild());
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("loadBefore", loadAverage());
        List<String> notes = new ArrayList<>();
        Map<String, Report.Result> results;
        Map<String, Object> server;
        long started = System.nanoTime();
        try (BenchDb db = BenchDb.open()) {
            server = db.info();
            System.out.printf("database: %s PostgreSQL %s, synchronous_commit=%s; load average %s%n",
                    db.embedded ? "embedded" : "PQ_DATABASE_URL", server.get("server_version"),
                    server.get("synchronous_commit"), context.get("loadBefore"));
            results = measure(db, config, selected);
            Report.Result best = Report.best(results, "pq\\.drain\\..*", "pq.drain.best");
            if (best != null) {
                results.put("pq.drain.best", best);
            }
            if (nodePeers) {
                NodePeers.Outcome node = NodePeers.run(db);
                notes.addAll(node.notes());
                context.put("nodePeersDir", node.dir());
                for (NodePeers.Figure f : node.figures()) {
                    List<Scenario.Run> runs = new ArrayList<>();
                    for (int i = 0; i < f.values().size(); i++) {
                        runs.add(new Scenario.Run(f.values().get(i), 0, 0, f.rows().get(i)));
                    }
                    results.put(f.id(), new Report.Result(new Report.External(f.id(), f.title(), f.unit(), f.threads()),
                            runs, Stats.of(f.values())));
                }
                context.put("loadAfterNodePeers", loadAverage());
            }
            if (churn) {
                results.put("pq.churn", churn(db, results));
            }
        }
        context.put("loadAfter", loadAverage());
        context.put("minutes", Math.round((System.nanoTime() - started) / 6e10 * 10) / 10.0);
        Report report = new Report(config, server, results, context, notes);
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
                guarded(db, config, s, null);
                System.out.print(" " + s.id());
                System.out.flush();
            }
            System.out.println();
        }
        Map<String, List<Scenario.Run>> runs = new LinkedHashMap<>();
        for (int r = 1; r <= config.repeats(); r++) {
            System.out.printf("round %d/%d:", r, config.repeats());
            for (Scenario s : scenarios) {
                Scenario.Run run = guarded(db, config, s, config.duration());
                runs.computeIfAbsent(s.id(), k -> new ArrayList<>()).add(run);
                System.out.printf(s.unit().startsWith("ms") ? " %s %.3f%s" : " %s %,.0f%s", s.id(), run.value(),
                        run.extra().containsKey("ranDry") ? "*" : "");
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

    /** {@link #once}, a failure named after the scenario. */
    private static Scenario.Run guarded(BenchDb db, BenchConfig config, Scenario s, java.time.Duration length) {
        try {
            return once(db, config, s, length);
        } catch (Exception e) {
            System.out.println();
            throw new BenchFailure("scenario " + s.id() + " failed: " + BenchFailure.describe(e), e);
        }
    }

    private static Scenario.Run once(BenchDb db, BenchConfig config, Scenario s, java.time.Duration length)
            throws Exception {
        s.setUp(db);
        try {
            CpuSampler cpu = CpuSampler.start();
            Scenario.Run run;
            try {
                run = length == null ? s.warmup(db, config) : s.run(db, config, length);
            } finally {
                cpu.close();
            }
            Map<String, Object> extra = new LinkedHashMap<>(run.extra());
            extra.putAll(cpu.stop());
            return new Scenario.Run(run.value(), run.units(), run.seconds(), extra);
        } finally {
            s.tearDown();
        }
    }

    /** Churn at half the measured maximum of put+work (put with 4 threads, or the best drain). */
    private static Report.Result churn(BenchDb db, Map<String, Report.Result> results) throws Exception {
        java.time.Duration length = Churn.duration();
        double rate;
        String basis;
        String given = BenchConfig.setting("churnRate", "");
        if (!given.isEmpty()) {
            rate = Double.parseDouble(given);
            basis = "bench.churnRate";
        } else {
            Report.Result put = results.get("pq.put.t4");
            Report.Result drain = results.get("pq.drain.best");
            double max = Double.MAX_VALUE;
            basis = "";
            if (put != null) {
                max = put.median();
                basis = "pq.put.t4";
            }
            if (drain != null && drain.median() < max) {
                max = drain.median();
                basis = "pq.drain.best";
            }
            if (max == Double.MAX_VALUE) {
                max = 10_000;
                basis = "default 10,000/s (run pq.put.t4 for the measured maximum)";
            }
            rate = max / 2;
            basis = "half of " + basis + " (" + Math.round(max) + "/s)";
        }
        System.out.printf("churn: %,.0f jobs/s for %d s (%s)%n", rate, length.toSeconds(), basis);
        Scenario.Run run;
        CpuSampler cpu = CpuSampler.start();
        try {
            run = Churn.run(db, rate, length, basis);
        } finally {
            cpu.close();
        }
        Map<String, Object> extra = new LinkedHashMap<>(run.extra());
        extra.putAll(cpu.stop());
        run = new Scenario.Run(run.value(), run.units(), run.seconds(), extra);
        System.out.printf("churn: processed %,.0f/s; table+indexes %,d -> %,d bytes (max %,d); backlog at end %,d; "
                        + "server autovacuum %s, harness VACUUMs %s%n", run.value(), extra.get("startTotalBytes"),
                extra.get("endTotalBytes"), extra.get("maxTotalBytes"), extra.get("backlogAtEnd"),
                Boolean.TRUE.equals(extra.get("serverAutovacuum")) ? "on" : "OFF", extra.get("harnessVacuums"));
        Report.External s = new Report.External("pq.churn", "steady put+work at half max (" + length.toSeconds() + " s)",
                "jobs/s", 4);
        return new Report.Result(s, List.of(run), Stats.of(List.of(run.value())));
    }

    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }
}
