package dev.pq.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
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

/** The table on the terminal, pq's figures as fractions of the raw ones, and the JSON file. */
final class Report {
    /** pq's figure over the raw-SQL figure for the same work, and the fraction issue #2 aims for. */
    record Ratio(String label, String pq, String raw, double target) {
    }

    static final List<Ratio> RATIOS = List.of(
            new Ratio("put / raw INSERT", "pq.put.t1", "raw.insert.t1", 0.80),
            new Ratio("putAll / raw 1,000-row INSERT", "pq.putAll1000.t1", "raw.batch1000.t1", 0.70),
            new Ratio("tx get+commit / raw advisory dequeue", "pq.txget.t1", "raw.dequeue.advisory.t1", 0.80),
            new Ratio("get / raw advisory dequeue", "pq.get.t1", "raw.dequeue.advisory.t1", Double.NaN));

    /** A scenario's repeats and their summary. */
    record Result(Scenario scenario, List<Scenario.Run> runs, Stats stats) {
    }

    private final BenchConfig config;
    private final Map<String, Object> server;
    private final Map<String, Result> results;
    private final Instant at = Instant.now();

    Report(BenchConfig config, Map<String, Object> server, Map<String, Result> results) {
        this.config = config;
        this.server = server;
        this.results = results;
    }

    void print(PrintStream out) {
        out.printf("%-26s %-46s %3s %12s %12s %12s %7s  %s%n", "scenario", "what", "thr", "median", "min", "max",
                "spread", "unit");
        for (Result r : results.values()) {
            Scenario s = r.scenario();
            boolean dry = r.runs().stream().anyMatch(x -> x.extra().containsKey("ranDry"));
            out.printf("%-26s %-46s %3d %,12.0f %,12.0f %,12.0f %6.1f%%  %s%s%n", s.id(), s.title(), s.threads(),
                    r.stats().median(), r.stats().min(), r.stats().max(), 100 * r.stats().spread(), s.unit(),
                    dry ? "  (ran dry: raise bench.prefill)" : "");
        }
        List<Map<String, Object>> ratios = ratios();
        if (!ratios.isEmpty()) {
            out.println();
            out.printf("%-40s %8s %8s%n", "pq as a fraction of raw SQL (medians)", "ratio", "target");
            for (Map<String, Object> r : ratios) {
                Double target = (Double) r.get("target");
                out.printf("%-40s %7.0f%% %8s%n", r.get("label"), 100 * (Double) r.get("ratio"),
                        target == null ? "" : String.format("%.0f%%", 100 * target)
                                + ((Boolean) r.get("met") ? " met" : " MISSED"));
            }
        }
    }

    private List<Map<String, Object>> ratios() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Ratio r : RATIOS) {
            Result pq = results.get(r.pq());
            Result raw = results.get(r.raw());
            if (pq == null || raw == null || raw.stats().median() == 0) {
                continue;
            }
            double ratio = pq.stats().median() / raw.stats().median();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", r.label());
            m.put("pq", r.pq());
            m.put("raw", r.raw());
            m.put("ratio", ratio);
            m.put("target", Double.isNaN(r.target()) ? null : r.target());
            m.put("met", !Double.isNaN(r.target()) && ratio >= r.target());
            out.add(m);
        }
        return out;
    }

    /** Writes {@code bench-<time>.json} to the output folder; returns its path. */
    Path write() throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("at", at.toString());
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.version"));
        doc.put("machine", machine);
        doc.put("pq", BenchMain.pqBuild());
        doc.put("database", server);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("warmupSeconds", config.warmup().toMillis() / 1e3);
        cfg.put("durationSeconds", config.duration().toMillis() / 1e3);
        cfg.put("repeats", config.repeats());
        cfg.put("prefill", config.prefill());
        doc.put("config", cfg);
        Map<String, Object> scenarios = new LinkedHashMap<>();
        for (Result r : results.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("title", r.scenario().title());
            m.put("threads", r.scenario().threads());
            m.put("unit", r.scenario().unit());
            m.put("median", r.stats().median());
            m.put("min", r.stats().min());
            m.put("max", r.stats().max());
            m.put("spread", r.stats().spread());
            m.put("runs", r.runs());
            scenarios.put(r.scenario().id(), m);
        }
        doc.put("scenarios", scenarios);
        doc.put("ratios", ratios());
        Files.createDirectories(config.out());
        Path file = config.out().resolve("bench-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC).format(at) + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
        return file;
    }
}
