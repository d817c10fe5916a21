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
import java.util.function.Function;

/**
 * The tables on the terminal (every figure; pq as a fraction of raw SQL; pq against its peers;
 * the targets) and the JSON file of every repeat.
 */
final class Report {
    /** A comparison of two figures: pq's over another's. */
    record Ratio(String label, String pq, String other) {
    }

    static final List<Ratio> RAW = List.of(
            new Ratio("put / raw INSERT, 1 thread", "pq.put.t1", "raw.insert.t1"),
            new Ratio("put / raw INSERT, 4 threads", "pq.put.t4", "raw.insert.t4"),
            new Ratio("put / raw INSERT, 16 threads", "pq.put.t16", "raw.insert.t16"),
            new Ratio("put / raw INSERT + pg_notify, 1 thread", "pq.put.t1", "raw.insertNotify.t1"),
            new Ratio("put / raw INSERT + pg_notify, 4 threads", "pq.put.t4", "raw.insertNotify.t4"),
            new Ratio("putAll / raw 1,000-row INSERT, 1 thread", "pq.putAll1000.t1", "raw.batch1000.t1"),
            new Ratio("putAll / raw 1,000-row INSERT, 4 threads", "pq.putAll1000.t4", "raw.batch1000.t4"),
            new Ratio("putAll / raw 1,000-row COPY, 1 thread", "pq.putAll1000.t1", "raw.copy1000.t1"),
            new Ratio("putAll / raw ids + COPY + notify, 1 thread", "pq.putAll1000.t1", "raw.copyIds1000.t1"),
            new Ratio("COPY into pq's table / raw COPY, 1 thread", "raw.copyPqTable1000.t1", "raw.copy1000.t1"),
            new Ratio("putAll / COPY into pq's table, 1 thread", "pq.putAll1000.t1", "raw.copyPqTable1000.t1"),
            new Ratio("tx get+commit / raw advisory dequeue, 1 thread", "pq.txget.t1", "raw.dequeue.advisory.t1"),
            new Ratio("tx get+commit / raw advisory dequeue, 4 threads", "pq.txget.t4", "raw.dequeue.advisory.t4"),
            new Ratio("tx get+commit / raw advisory dequeue, 16 threads", "pq.txget.t16", "raw.dequeue.advisory.t16"),
            new Ratio("get / raw advisory dequeue, 1 thread", "pq.get.t1", "raw.dequeue.advisory.t1"),
            new Ratio("worker drain, 1 thread / raw claim-100-then-delete, 1", "pq.drain.t1", "raw.claim100.t1"),
            new Ratio("worker drain, 4 threads / raw claim-100-then-delete, 4", "pq.drain.t4", "raw.claim100.t4"),
            new Ratio("worker drain, 16 threads / raw claim-100-then-delete, 4", "pq.drain.t16", "raw.claim100.t4"),
            new Ratio("drain buffer 100, 4 threads / raw claim-100-then-delete, 4", "pq.drain.b100.t4", "raw.claim100.t4"));

    static final List<Ratio> PEERS = List.of(
            new Ratio("put, 1 thread / graphile-worker addJob", "pq.put.t1", "peer.graphile.addJob.t1"),
            new Ratio("put, 1 thread / pg-boss send", "pq.put.t1", "peer.pgboss.send.t1"),
            new Ratio("put, 1 thread / db-scheduler schedule", "pq.put.t1", "peer.dbscheduler.schedule.t1"),
            new Ratio("put, 1 thread / JobRunr enqueue", "pq.put.t1", "peer.jobrunr.enqueue.t1"),
            new Ratio("putAll 1,000 / graphile-worker addJobs", "pq.putAll1000.t1", "peer.graphile.addJobs1000.t1"),
            new Ratio("putAll 1,000 / pg-boss insert", "pq.putAll1000.t1", "peer.pgboss.insert1000.t1"),
            new Ratio("putAll 1,000 / db-scheduler scheduleBatch", "pq.putAll1000.t1", "peer.dbscheduler.batch1000.t1"),
            new Ratio("put, 1 thread / Quartz scheduleJob", "pq.put.t1", "peer.quartz.schedule.t1"),
            new Ratio("putAll 1,000 / JobRunr enqueue(Stream)", "pq.putAll1000.t1", "peer.jobrunr.stream1000.t1"),
            new Ratio("putAll 1,000 / Quartz scheduleJobs", "pq.putAll1000.t1", "peer.quartz.batch1000.t1"),
            new Ratio("drain (best) / graphile-worker batched, c4", "pq.drain.best", "peer.graphile.process.t4"),
            new Ratio("drain (best) / pg-boss batchSize 100, c4", "pq.drain.best", "peer.pgboss.process.t4"),
            new Ratio("drain, 16 thr / db-scheduler execute, 16 thr", "pq.drain.t16", "peer.dbscheduler.execute.t16"),
            new Ratio("drain, 16 thr / JobRunr execute, 16 workers", "pq.drain.t16", "peer.jobrunr.execute.t16"),
            new Ratio("drain, 16 thr / Quartz execute, 16 thr, clustered", "pq.drain.t16", "peer.quartz.execute.t16"),
            new Ratio("drain, 16 thr / Quartz execute, 16 thr, not clustered", "pq.drain.t16",
                    "peer.quartz.execute.local.t16"),
            new Ratio("latency p50 / graphile-worker (lower is better)", "pq.latency.worker", "peer.graphile.latency"),
            new Ratio("latency p50 / pg-boss (lower is better)", "pq.latency.worker", "peer.pgboss.latency"));

    /** A scenario's repeats and their summary. */
    record Result(Scenario scenario, List<Scenario.Run> runs, Stats stats) {
        double median() {
            return stats.median();
        }

        /** The median over repeats of a numeric extra, or NaN. */
        double extraMedian(String key) {
            List<Double> v = new ArrayList<>();
            for (Scenario.Run r : runs) {
                Object o = r.extra().get(key);
                if (o instanceof Number n) {
                    v.add(n.doubleValue());
                }
            }
            return v.isEmpty() ? Double.NaN : Stats.of(v).median();
        }

        double extraMax(String key) {
            return runs.stream().map(r -> r.extra().get(key)).filter(o -> o instanceof Number)
                    .mapToDouble(o -> ((Number) o).doubleValue()).max().orElse(Double.NaN);
        }
    }

    /** A figure measured outside the harness (a Node peer): only its id and labels. */
    record External(String id, String title, String unit, int threads) implements Scenario {
        @Override
        public Run run(BenchDb db, BenchConfig config, java.time.Duration length) {
            throw new UnsupportedOperationException(id);
        }
    }

    private final BenchConfig config;
    private final Map<String, Object> server;
    private final Map<String, Result> results;
    private final Map<String, Object> context;
    private final List<String> notes;
    private final Instant at = Instant.now();

    Report(BenchConfig config, Map<String, Object> server, Map<String, Result> results, Map<String, Object> context,
           List<String> notes) {
        this.config = config;
        this.server = server;
        this.results = results;
        this.context = context;
        this.notes = notes;
    }

    /** The best median among pq's drains, as its own entry (for the peer ratios). */
    static Result best(Map<String, Result> results, String prefix, String id) {
        Result best = null;
        for (Result r : results.values()) {
            if (r.scenario().id().matches(prefix) && (best == null || r.median() > best.median())) {
                best = r;
            }
        }
        if (best == null) {
            return null;
        }
        Scenario s = best.scenario();
        return new Result(new External(id, s.title() + " (best: " + s.id() + ")", s.unit(), s.threads()), best.runs(),
                best.stats());
    }

    void print(PrintStream out) {
        out.printf("%-32s %-46s %3s %11s %11s %11s %6s  %-7s %5s %5s  %s%n", "scenario", "what", "thr", "median", "min",
                "max", "spread", "unit", "pgCPU", "jvmCPU", "notes");
        for (Result r : results.values()) {
            if (r.scenario().id().equals("pq.drain.best")) {
                continue;
            }
            Scenario s = r.scenario();
            boolean dry = r.runs().stream().anyMatch(x -> x.extra().containsKey("ranDry"));
            boolean latency = s.unit().startsWith("ms");
            String fmt = latency ? "%,11.3f" : "%,11.0f";
            StringBuilder note = new StringBuilder();
            if (latency) {
                boolean node = Double.isNaN(r.extraMedian("p99ms"));
                note.append(String.format("p99 %.2f ms, max %.1f ms", r.extraMedian(node ? "p99" : "p99ms"),
                        r.extraMax(node ? "max" : "maxMs")));
                double put = r.extraMedian(node ? "addJobP50" : "putP50Ms");
                double putP99 = r.extraMedian("putP99Ms");
                note.append(Double.isNaN(put) ? "" : Double.isNaN(putP99) ? String.format("; the put itself %.2f ms", put)
                        : String.format("; the put itself %.2f / %.2f ms (p50/p99)", put, putP99));
                double wakeP99 = r.extraMedian("wakeP99Ms");
                note.append(Double.isNaN(wakeP99) ? " " : String.format("; commit -> start %.2f / %.2f ms ",
                        r.extraMedian("wakeP50Ms"), wakeP99));
            }
            if (!Double.isNaN(r.extraMedian("startupMs"))) {
                note.append(String.format("start-up %.0f ms, steady %,.0f/s ", r.extraMedian("startupMs"),
                        r.extraMedian("steadyPerSec")));
            }
            if (dry) {
                note.append("ran dry: raise bench.prefill ");
            }
            Object seq = r.runs().isEmpty() ? null : r.runs().get(0).extra().get("seqScan");
            if (seq != null) {
                note.append(Boolean.TRUE.equals(seq) ? "PLAN HAS A SEQ SCAN" : "index-only plan (no seq scan)");
            }
            out.printf("%-32s %-46s %3d " + fmt + " " + fmt + " " + fmt + " %5.0f%%  %-7s %5s %5s  %s%n", s.id(),
                    abbreviate(s.title(), 46), s.threads(), r.stats().median(), r.stats().min(), r.stats().max(),
                    100 * r.stats().spread(), s.unit(), cores(r, "pgCores", "pgCores"), cores(r, "jvmCores", "clientCores"),
                    note.toString().trim());
        }
        table(out, "pq as a fraction of raw SQL (medians)", RAW, false);
        table(out, "pq against its peers (pq / peer, medians)", PEERS, true);
        List<Map<String, Object>> targets = targets();
        if (!targets.isEmpty()) {
            out.println();
            out.printf("%-58s %14s %14s  %s%n", "targets (issue #4)", "pq", "target", "");
            for (Map<String, Object> t : targets) {
                out.printf("%-58s %14s %14s  %s%n", t.get("target"), t.get("value"), t.get("goal"),
                        Boolean.TRUE.equals(t.get("met")) ? "met" : "MISSED");
            }
        }
        if (!notes.isEmpty()) {
            out.println();
            notes.forEach(n -> out.println("note: " + n));
        }
    }

    private static String cores(Result r, String key, String alt) {
        double v = r.extraMedian(key);
        if (Double.isNaN(v)) {
            v = r.extraMedian(alt);
        }
        return Double.isNaN(v) ? "" : String.format("%.2f", v);
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    private void table(PrintStream out, String title, List<Ratio> ratios, boolean peers) {
        List<Map<String, Object>> rows = ratios(ratios);
        if (rows.isEmpty()) {
            return;
        }
        out.println();
        out.printf("%-58s %8s%n", title, "ratio");
        for (Map<String, Object> r : rows) {
            double v = (Double) r.get("ratio");
            out.printf("%-58s %7.0f%%%s%n", r.get("label"), 100 * v,
                    peers && v > 0 && !((String) r.get("label")).contains("lower") ? String.format("  (%.1fx)", v) : "");
        }
    }

    private List<Map<String, Object>> ratios(List<Ratio> list) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Ratio r : list) {
            Result a = results.get(r.pq());
            Result b = results.get(r.other());
            if (a == null || b == null || b.median() == 0) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", r.label());
            m.put("pq", r.pq());
            m.put("other", r.other());
            m.put("ratio", a.median() / b.median());
            out.add(m);
        }
        return out;
    }

    /** The targets that this run's figures can answer. */
    List<Map<String, Object>> targets() {
        List<Map<String, Object>> out = new ArrayList<>();
        Function<String, Result> get = results::get;
        ratioTarget(out, "put >= 80% of raw single-row INSERT (1 thread)", get.apply("pq.put.t1"),
                get.apply("raw.insert.t1"), 0.80);
        for (String t : new String[] {"1", "4", "16"}) {
            ratioTarget(out, "tx get t" + t + " >= 80% of raw advisory dequeue t" + t, get.apply("pq.txget.t" + t),
                    get.apply("raw.dequeue.advisory.t" + t), 0.80);
        }
        ratioTarget(out, "putAll >= 2x graphile-worker addJobs", get.apply("pq.putAll1000.t1"),
                get.apply("peer.graphile.addJobs1000.t1"), 2.0);
        Result bestPeer = null;
        for (String id : new String[] {"peer.graphile.process.t4", "peer.pgboss.process.t4", "peer.dbscheduler.execute.t16",
                "peer.jobrunr.execute.t16", "peer.quartz.execute.t16", "peer.quartz.execute.local.t16"}) {
            Result r = get.apply(id);
            if (r != null && (bestPeer == null || r.median() > bestPeer.median())) {
                bestPeer = r;
            }
        }
        ratioTarget(out, "drain >= 1.5x best peer (" + (bestPeer == null ? "?" : bestPeer.scenario().id()) + ")",
                get.apply("pq.drain.best"), bestPeer, 1.5);
        Result lat = get.apply("pq.latency.worker");
        if (lat != null) {
            out.add(target("wake-up latency p50 <= 1 ms", String.format("%.2f ms", lat.median()), "1 ms",
                    lat.median() <= 1.0));
            double p99 = lat.extraMedian("p99ms");
            out.add(target("wake-up latency p99 <= 3 ms", String.format("%.2f ms", p99), "3 ms", p99 <= 3.0));
        }
        Result deep = get.apply("pq.deep.1m");
        Result shallow = get.apply("pq.deep.empty");
        if (deep != null && shallow != null) {
            double x = deep.median() / shallow.median();
            out.add(target("deep queue poll p50 <= 2x the otherwise-empty table", String.format("%.2fx", x), "2x",
                    x <= 2.0));
        }
        Result churn = get.apply("pq.churn");
        if (churn != null && !churn.runs().isEmpty()) {
            Map<String, Object> e = churn.runs().get(0).extra();
            out.add(target("churn: table+indexes bounded", String.format("%.1f MB end", ((Number) e.get("endTotalBytes"))
                    .doubleValue() / 1e6), "bounded", Boolean.TRUE.equals(e.get("bounded"))));
        }
        return out;
    }

    private static void ratioTarget(List<Map<String, Object>> out, String label, Result pq, Result other, double goal) {
        if (pq == null || other == null || other.median() == 0) {
            return;
        }
        double v = pq.median() / other.median();
        out.add(target(label, goal >= 1.5 ? String.format("%.2fx", v) : String.format("%.0f%%", 100 * v),
                goal >= 1.5 ? String.format("%.1fx", goal) : String.format("%.0f%%", 100 * goal), v >= goal));
    }

    private static Map<String, Object> target(String label, String value, String goal, boolean met) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", label);
        m.put("value", value);
        m.put("goal", goal);
        m.put("met", met);
        return m;
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
        doc.put("context", context);
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
        doc.put("rawRatios", ratios(RAW));
        doc.put("peerRatios", ratios(PEERS));
        doc.put("targets", targets());
        doc.put("notes", notes);
        Files.createDirectories(config.out());
        Path file = config.out().resolve("bench-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC).format(at) + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
        return file;
    }
}
