package dev.pq.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pq.PQ;
import dev.pq.tasks.Tasks;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 13's horizontal scale ({@code -Dbench.only=pq.scale}, or one step: {@code pq.scale.p4}):
 * 1, 2, 4 and 8 worker processes ({@link ScaleWorker}, pq-tasks' {@code Worker} with default
 * settings), each in a network namespace of its own with its own address ({@link ScaleNet}),
 * against one PostgreSQL of the benchmark's own ({@link ScaleCluster}). Per step: put-to-start
 * a drain ({@link ScaleSteps}), then put-to-start latency with every process idle, with the server's CPU, its
 * backends' waits and its WAL. It stops adding processes once a step gains under 10% over the
 * previous one ({@code -Dbench.scaleAll=true} runs every step anyway), prints one line per step
 * and writes {@code scale-<time>.json} next to the other results. Namespaces, links, processes
 * and the cluster are removed at the end, on failure, and by a shutdown hook.
 */
final class ScaleBench {
    static final List<Integer> STEPS = List.of(1, 2, 4, 8);

    private ScaleBench() {
    }

    static List<String> ids() {
        return STEPS.stream().map(n -> "pq.scale.p" + n).toList();
    }

    /** Opt-in: only when bench.only names it ({@code pq.scale...}; a broader prefix such as {@code pq.} does not). */
    static boolean wanted(BenchConfig config) {
        return config.only().stream().anyMatch(p -> p.startsWith("pq.scale"));
    }

    /** Runs the selected steps; false (after one line on stderr) if it failed. */
    static boolean run(BenchConfig config, PrintStream out) {
        List<Integer> steps = STEPS.stream().filter(n -> config.selected("pq.scale.p" + n)).toList();
        boolean all = Boolean.parseBoolean(BenchConfig.setting("scaleAll", "false"));
        int cores = Runtime.getRuntime().availableProcessors();
        Resources res = new Resources();
        Thread hook = new Thread(res::close, "scale-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            res.net = ScaleNet.create(steps.get(steps.size() - 1));
            String network = res.net.loopback()
                    ? "loopback (no network namespaces: " + res.net.fallbackReason() + ")"
                    : "one network namespace per process (10.213.<k>.2, server on 10.213.<k>.1)";
            if (res.net.loopback()) {
                out.println("pq.scale: no network namespaces (" + res.net.fallbackReason()
                        + "): worker processes run on loopback");
            }
            res.cluster = ScaleCluster.start(res.net.listenAddresses());
            String admin = res.cluster.url("127.0.0.1", "scale-harness");
            res.pq = PQ.builder().url(admin).poolSize(3).build();
            res.pq.migrate();
            Tasks tasks = Tasks.create(res.pq);
            tasks.register(ScaleWorker.Noop.class, () -> { });
            tasks.register(ScaleWorker.Probe.class, i -> { });
            Map<String, Object> server = serverInfo(admin, res.cluster, res.net);
            out.printf("pq.scale: steps %s, %,d jobs per drain, %d latency samples (gap %d ms); %d cores, Java %s; "
                            + "PostgreSQL %s of its own on port %d (synchronous_commit=%s); network: %s%n", steps,
                    ScaleSteps.jobs(), ScaleSteps.samples(), ScaleSteps.gapMillis(), cores,
                    System.getProperty("java.version"), server.get("server_version"), res.cluster.port(),
                    server.get("synchronous_commit"), network);
            out.println("pq.scale: the worker JVMs, the harness and PostgreSQL share this machine's " + cores
                    + " cores (and other benchmarks may be running): a step is limited by the machine as a whole");
            ScaleSteps measure = new ScaleSteps(tasks, admin, res.cluster.postmasterPid());
            if (!Boolean.parseBoolean(BenchConfig.setting("scaleCold", "false"))) {
                measure.prime(); // -Dbench.scaleCold=true: a never-analyzed table (see prime())
            }
            Path logs = config.out().resolve("scale-logs");
            List<Map<String, Object>> rows = new ArrayList<>();
            String saturation = null;
            for (int n : steps) {
                out.printf("pq.scale.p%d: starting %d worker process%s...%n", n, n, n == 1 ? "" : "es");
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", "pq.scale.p" + n);
                row.put("processes", n);
                row.put("loadBefore", BenchMain.loadAverage());
                try (ScaleFleet fleet = ScaleFleet.start(n, res.net, res.cluster, logs.resolve("p" + n))) {
                    res.fleet = fleet;
                    Thread.sleep(1_000); // every locker has listened and polled once: idle
                    // The drain first: the worker's server-side prepared statements (pq:check) get
                    // their generic plan on a full table. Latency first, they would cache a sequential
                    // scan planned on the near-empty table and keep it through the drain (PostgreSQL
                    // replans only after an ANALYZE): a pq finding of its own, not a scaling effect.
                    row.put("drain", measure.drain(fleet, n, cores));
                    row.put("latency", measure.latency(fleet));
                } finally {
                    res.fleet = null;
                }
                rows.add(row);
                out.println("  " + ScaleReport.line(row, rows.get(0)));
                String verdict = ScaleReport.saturation(rows, cores);
                if (verdict != null && saturation == null) {
                    saturation = verdict;
                    if (!all && n != steps.get(steps.size() - 1)) {
                        out.println("pq.scale: " + verdict + "; not adding processes (-Dbench.scaleAll=true runs every step)");
                        break;
                    }
                }
            }
            out.println();
            ScaleReport.print(out, rows);
            out.println("saturation: " + (saturation == null ? "none within the steps run (each step gained >= 10%)"
                    : saturation));
            Map<String, Object> doc = new LinkedHashMap<>();
            Instant at = Instant.now();
            doc.put("at", at.toString());
            doc.put("machine", Map.of("cores", cores, "os", System.getProperty("os.name") + " "
                    + System.getProperty("os.arch"), "java", System.getProperty("java.version")));
            doc.put("pq", BenchMain.pqBuild());
            doc.put("database", server);
            doc.put("network", network);
            doc.put("config", Map.of("jobs", ScaleSteps.jobs(), "latencySamples", ScaleSteps.samples(),
                    "latencyGapMs", ScaleSteps.gapMillis(), "workerSettings", "Worker defaults; PQ defaults"));
            doc.put("steps", rows);
            doc.put("saturation", saturation == null ? "none" : saturation);
            doc.put("loadAfter", BenchMain.loadAverage());
            Files.createDirectories(config.out());
            Path file = config.out().resolve("scale-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .withZone(ZoneOffset.UTC).format(at) + ".json");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
            out.println("results: " + file);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("pq.scale: interrupted");
            return false;
        } catch (Exception e) {
            System.err.println("pq.scale: failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return false;
        } finally {
            res.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs close() again, which is harmless
            }
        }
    }

    private static Map<String, Object> serverInfo(String url, ScaleCluster cluster, ScaleNet net) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (var c = java.sql.DriverManager.getConnection(url); var st = c.createStatement()) {
            for (String s : List.of("server_version", "synchronous_commit", "fsync", "shared_buffers",
                    "max_connections", "autovacuum")) {
                try (var rs = st.executeQuery("SHOW " + s)) {
                    rs.next();
                    out.put(s, rs.getString(1));
                }
            }
        }
        out.put("port", cluster.port());
        out.put("listen_addresses", net.listenAddresses());
        out.put("own", "initdb'd by the benchmark, removed at the end");
        return out;
    }

    /** What must be undone, in order: processes, cluster, network. */
    private static final class Resources {
        volatile ScaleFleet fleet;
        volatile ScaleCluster cluster;
        volatile ScaleNet net;
        volatile PQ pq;

        synchronized void close() {
            ScaleFleet f = fleet;
            if (f != null) {
                f.close();
                fleet = null;
            }
            if (pq != null) {
                pq.close();
                pq = null;
            }
            if (cluster != null) {
                cluster.close();
                cluster = null;
            }
            if (net != null) {
                net.close();
                net = null;
            }
        }
    }
}
