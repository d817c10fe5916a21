package dev.pq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Node peers (graphile-worker, pg-boss), measured by the scripts in the project's
 * {@code shared/bench} folder, which this harness calls and never copies into the repo. They need
 * node >= 22 and their packages: {@code npm ci} in that folder (or, when it is read-only, in a copy
 * at {@code /tmp/pq-peer-bench}) installs both, node 22 included. Without node or npm, or without
 * the scripts, the peers are skipped with a note. Each script prints one {@code # {json}} line per
 * run; those runs become this report's repeats.
 */
final class NodePeers {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One peer figure: its runs' values and what they are. */
    record Figure(String id, String title, String unit, int threads, List<Double> values, List<Map<String, Object>> rows) {
    }

    /** The outcome: figures, or a note saying why there are none. */
    record Outcome(List<Figure> figures, List<String> notes, String dir) {
    }

    private NodePeers() {
    }

    static Outcome run(BenchDb db) {
        List<String> notes = new ArrayList<>();
        List<Figure> figures = new ArrayList<>();
        if (!"true".equals(BenchConfig.setting("nodePeers", "true"))) {
            notes.add("Node peers skipped: bench.nodePeers=false");
            return new Outcome(figures, notes, null);
        }
        Path dir;
        try {
            dir = prepare(notes);
        } catch (IOException | InterruptedException e) {
            notes.add("Node peers skipped: " + e.getMessage());
            return new Outcome(figures, notes, null);
        }
        if (dir == null) {
            return new Outcome(figures, notes, null);
        }
        int runs = BenchConfig.integer("peerRuns", 3);
        int jobs = BenchConfig.integer("peerJobs", 20_000);
        int batchJobs = BenchConfig.integer("drainJobs", 100_000);
        try {
            String gw = db.libpqUrl("pq_bench_gw");
            String boss = db.libpqUrl("pq_bench_pgboss");
            List<JsonNode> rows = new ArrayList<>();
            rows.addAll(script(dir, notes, "graphile-bench.mjs", Map.of("DATABASE_URL", gw, "MODES", "enqueue bulk latency",
                    "JOBS", Integer.toString(jobs), "RUNS", Integer.toString(runs), "ENQUEUE_CONCURRENCY", "1",
                    "LATENCY_JOBS", "500", "LATENCY_CONCURRENCY", "4"), "graphile"));
            rows.addAll(script(dir, notes, "graphile-bench.mjs", Map.of("DATABASE_URL", gw, "MODES", "process",
                    "JOBS", Integer.toString(batchJobs), "RUNS", Integer.toString(runs), "CONCURRENCY", "4",
                    "GW_LOCAL_QUEUE_SIZE", "100", "GW_COMPLETE_JOB_BATCH_DELAY", "0"), "graphile"));
            rows.addAll(script(dir, notes, "pgboss-bench.mjs", Map.of("DATABASE_URL", boss, "MODES", "enqueue bulk latency",
                    "JOBS", Integer.toString(jobs), "RUNS", Integer.toString(runs), "ENQUEUE_CONCURRENCY", "1",
                    "LATENCY_JOBS", "500", "LATENCY_CONCURRENCY", "4"), "pgboss"));
            rows.addAll(script(dir, notes, "pgboss-bench.mjs", Map.of("DATABASE_URL", boss, "MODES", "process",
                    "JOBS", Integer.toString(batchJobs), "RUNS", Integer.toString(runs), "CONCURRENCY", "4",
                    "BATCH_SIZES", "100"), "pgboss"));
            figures.addAll(figures(rows));
        } catch (Exception e) {
            notes.add("Node peers failed: " + e);
        }
        return new Outcome(figures, notes, dir.toString());
    }

    /** Groups the scripts' rows into figures, keyed by library, test and parameter. */
    static List<Figure> figures(List<JsonNode> rows) {
        Map<String, Figure> out = new LinkedHashMap<>();
        for (JsonNode r : rows) {
            String lib = r.path("lib").asText();
            String test = r.path("test").asText();
            String param = r.path("param").asText();
            String id;
            String title;
            String unit = "jobs/s";
            int threads = 1;
            String field = "perSec";
            switch (test) {
                case "addJob", "send" -> {
                    id = "peer." + lib + "." + test + ".t1";
                    title = lib + " " + test + ", one caller";
                }
                case "addJobs", "insert" -> {
                    id = "peer." + lib + "." + test + "1000.t1";
                    title = lib + " " + test + ", batches of 1,000";
                }
                case "process" -> {
                    threads = 4;
                    id = "peer." + lib + ".process.t4";
                    title = lib + " processing, batched, " + (lib.equals("graphile") ? "local queue 100" : "batchSize 100");
                }
                case "latency" -> {
                    threads = 4;
                    id = "peer." + lib + ".latency";
                    title = lib + " put -> handler start";
                    unit = "ms p50";
                    field = "p50";
                }
                default -> {
                    continue;
                }
            }
            Map<String, Object> row = JSON.convertValue(r, Map.class);
            row.put("param", param);
            Figure f = out.computeIfAbsent(id, k -> new Figure(k, title, "", 0, new ArrayList<>(), new ArrayList<>()));
            f.values().add(r.path(field).asDouble());
            f.rows().add(row);
            out.put(id, new Figure(id, title, unit, threads, f.values(), f.rows()));
        }
        return new ArrayList<>(out.values());
    }

    /** The folder to run the scripts in, with node_modules installed; null (and a note) if none. */
    static Path prepare(List<String> notes) throws IOException, InterruptedException {
        Path shared = locate();
        if (shared == null) {
            notes.add("Node peers skipped: no shared/bench folder with graphile-bench.mjs next to the project "
                    + "(set bench.peersDir)");
            return null;
        }
        Path dir = shared;
        if (!Files.isDirectory(dir.resolve("node_modules")) || !writable(dir)) {
            // The scripts write node_modules/ and results/ next to themselves: a read-only folder
            // (by its mode bits: root may write anywhere) is used through a copy in /tmp.
            if (!writable(dir)) {
                Path copy = Path.of(System.getProperty("java.io.tmpdir"), "pq-peer-bench");
                if (!copy.equals(shared)) { // refresh the scripts; keep an installed node_modules/
                    Files.createDirectories(copy);
                    if (!exec(List.of("cp", "-rf", shared + "/.", copy.toString()), null, notes)
                            || !exec(List.of("chmod", "-R", "u+w", copy.toString()), null, notes)) {
                        notes.add("Node peers skipped: could not copy " + shared + " to " + copy);
                        return null;
                    }
                }
                dir = copy;
            }
            if (!Files.isDirectory(dir.resolve("node_modules"))) {
                System.out.println("node peers: npm ci in " + dir);
                if (!exec(List.of("npm", "ci", "--no-audit", "--no-fund"), dir, notes)) {
                    notes.add("Node peers skipped: npm ci failed in " + dir + " (is npm installed?)");
                    return null;
                }
            }
        }
        return dir;
    }

    private static boolean writable(Path dir) {
        try {
            return Files.getPosixFilePermissions(dir).contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)
                    && Files.isWritable(dir);
        } catch (IOException | UnsupportedOperationException e) {
            return Files.isWritable(dir);
        }
    }

    private static Path locate() {
        String given = BenchConfig.setting("peersDir", "");
        List<Path> candidates = new ArrayList<>();
        if (!given.isEmpty()) {
            candidates.add(Path.of(given));
        }
        Path root = Path.of(System.getProperty("bench.repoRoot", ".")).toAbsolutePath().normalize();
        candidates.add(root.resolve("../shared/bench"));
        candidates.add(root.resolve("../../shared/bench"));
        candidates.add(Path.of(System.getProperty("java.io.tmpdir"), "pq-peer-bench"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve("graphile-bench.mjs"))) {
                return p.normalize();
            }
        }
        return null;
    }

    private static boolean exec(List<String> cmd, Path dir, List<String> notes) throws InterruptedException {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(600, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            notes.add(cmd.get(0) + ": " + e.getMessage());
            return false;
        }
    }

    /** Runs one script with its env vars; returns its {@code # {json}} rows with "lib" added. */
    private static List<JsonNode> script(Path dir, List<String> notes, String name, Map<String, String> env, String lib)
            throws IOException, InterruptedException {
        Path bin = dir.resolve("node_modules/.bin");
        String node = Files.isExecutable(bin.resolve("node")) ? bin.resolve("node").toString() : "node";
        ProcessBuilder pb = new ProcessBuilder(node, name).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", ""));
        System.out.println("node peers: " + name + " " + env.get("MODES"));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            notes.add("Node peers skipped: cannot run " + node + ": " + e.getMessage());
            return List.of();
        }
        List<JsonNode> rows = new ArrayList<>();
        StringBuilder tail = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("# {")) {
                    JsonNode row = JSON.readTree(line.substring(2));
                    if (row.has("test")) {
                        ((com.fasterxml.jackson.databind.node.ObjectNode) row).put("lib", lib);
                        rows.add(row);
                    }
                } else if (!line.startsWith("#")) {
                    tail.append(line).append('\n');
                    if (tail.length() > 4_000) {
                        tail.delete(0, tail.length() - 4_000);
                    }
                }
            }
        }
        if (!p.waitFor(1_200, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            notes.add(name + " (" + env.get("MODES") + ") timed out");
        } else if (p.exitValue() != 0) {
            notes.add(name + " (" + env.get("MODES") + ") exited " + p.exitValue() + ": "
                    + tail.toString().lines().reduce((a, b) -> b).orElse(""));
        }
        return rows;
    }
}
