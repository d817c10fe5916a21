package dev.pq.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The chaos suite's command: starts its own PostgreSQL cluster, runs the selected scenarios,
 * prints the results table (Markdown) and writes it to {@code pq-chaos/results/}.
 *
 * <pre>
 * mvn -q -pl pq-chaos -am package -DskipTests exec:java                        # full
 * mvn -q -pl pq-chaos -am package -DskipTests exec:java -Dchaos.scale=short    # about 5 minutes
 * mvn -q -pl pq-chaos -am package -DskipTests exec:java -Dchaos.only=restart,kill.one
 * mvn -q -pl pq-chaos -am package -DskipTests exec:java -Dchaos.soak=1h        # the soak alone
 * </pre>
 *
 * Settings are system properties or environment variables: {@code chaos.scale} /
 * {@code CHAOS_SCALE} ({@code full}, {@code short}), {@code chaos.only} / {@code CHAOS_ONLY} (ids or
 * prefixes, comma-separated; {@code soak} selects the soak), {@code chaos.soak} /
 * {@code CHAOS_SOAK} (the soak's length, e.g. {@code 1h}, {@code 5m}: runs the soak alone),
 * {@code chaos.out} / {@code CHAOS_OUT} (the results folder), {@code chaos.keepLogs=true} (keep
 * every scenario's logs, not only failed ones'), {@code PQ_CHAOS_PG_BIN} (PostgreSQL binaries).
 */
public final class ChaosMain {
    private ChaosMain() {
    }

    public static void main(String[] args) throws IOException {
        Scale scale = Scale.named(setting("scale", "full"));
        String soak = setting("soak", "");
        String only = setting("only", soak.isBlank() ? "" : "soak");
        List<String> wanted = only.isBlank() ? List.of() : Arrays.stream(only.split(",")).map(String::trim).toList();
        List<Scenario> selected = new ArrayList<>();
        for (Scenario s : Scenarios.all()) {
            if (wanted.isEmpty() || wanted.stream().anyMatch(s.id()::startsWith)) {
                selected.add(s);
            }
        }
        String label = scale.name();
        if (wanted.contains("soak")) {
            Duration length = duration(soak.isBlank() ? "1h" : soak);
            selected.add(Scenarios.soak(length));
            label = selected.size() == 1 ? "soak" : label + "+soak";
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("chaos.only matches no scenario: " + only + " (ids: "
                    + Scenarios.all().stream().map(Scenario::id).toList() + ", soak)");
        }
        Path out = Path.of(setting("out", System.getProperty("chaos.defaultOut", "results")));
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Files.createDirectories(out);
        List<ScenarioResult> results = new ArrayList<>();
        long t0 = System.nanoTime();
        String version;
        try (Env env = Env.create(scale, out.resolve("logs-" + stamp))) {
            version = env.cluster().version();
            System.out.printf("pq-chaos: %d scenarios, scale %s, PostgreSQL %s on port %d%n", selected.size(),
                    scale.name(), version, env.cluster().port());
            for (Scenario s : selected) {
                System.out.printf("%n=== %s: %s%n", s.id(), s.title(scale));
                results.add(runOne(s, env));
                System.out.println(ResultsTable.detail(results.get(results.size() - 1)));
            }
        }
        try (var left = Files.list(out.resolve("logs-" + stamp))) {
            if (left.findAny().isEmpty()) {
                Files.delete(out.resolve("logs-" + stamp)); // every scenario passed: no logs kept
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no scenario wrote logs
        }
        String table = ResultsTable.render(results, label, version, Duration.ofNanos(System.nanoTime() - t0));
        Path file = out.resolve("chaos-" + label.replace('+', '-') + "-" + stamp + ".md");
        Files.writeString(file, table);
        System.out.println();
        System.out.println(table);
        long failed = results.stream().filter(r -> !r.pass()).count();
        System.out.printf("%d of %d scenarios passed; results written to %s%n", results.size() - failed, results.size(),
                file.toAbsolutePath());
    }

    static ScenarioResult runOne(Scenario s, Env env) {
        long t0 = System.nanoTime();
        try {
            return s.run(env);
        } catch (Sleeps.Interrupted e) {
            throw e;
        } catch (Exception | Error e) {
            org.slf4j.LoggerFactory.getLogger(ChaosMain.class).error("scenario {} crashed", s.id(), e);
            return ScenarioResult.crashed(s, env.scale(), e, Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    static String setting(String key, String dflt) {
        String v = System.getProperty("chaos." + key);
        if (v == null || v.isBlank()) {
            v = System.getenv("CHAOS_" + key.toUpperCase(java.util.Locale.ROOT));
        }
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    /** {@code 90}, {@code 90s}, {@code 5m}, {@code 1h}. */
    static Duration duration(String s) {
        try {
            if (s.endsWith("h")) {
                return Duration.ofMinutes(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60));
            }
            if (s.endsWith("m")) {
                return Duration.ofSeconds(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60));
            }
            return Duration.ofSeconds(Math.round(Double.parseDouble(s.endsWith("s") ? s.substring(0, s.length() - 1) : s)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("chaos.soak must be a duration such as 1h, 5m or 90s: \"" + s + "\"", e);
        }
    }
}
