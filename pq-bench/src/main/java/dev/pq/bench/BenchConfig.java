package dev.pq.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of one benchmark run, each from a system property ({@code -Dbench.duration=5}) or else
 * an environment variable ({@code BENCH_DURATION=5}).
 *
 * @param warmup   how long each scenario runs before it is measured
 * @param duration how long each measured repeat runs
 * @param repeats  measured repeats per scenario (the median and spread are over these)
 * @param prefill  ready jobs put in the table before each dequeue repeat
 * @param only     scenario ids (or id prefixes) to run; empty means all
 * @param out      the folder of the JSON results file
 */
record BenchConfig(Duration warmup, Duration duration, int repeats, int prefill, List<String> only, Path out) {

    BenchConfig {
        if (duration.toMillis() < 100) {
            throw new IllegalArgumentException("bench.duration must be >= 0.1 s: " + duration);
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("bench.warmup must be >= 0: " + warmup);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("bench.repeats must be >= 1: " + repeats);
        }
        if (prefill < 1_000) {
            throw new IllegalArgumentException("bench.prefill must be >= 1000: " + prefill);
        }
    }

    static BenchConfig load() {
        String only = setting("only", "");
        return new BenchConfig(
                seconds("warmup", "2"),
                seconds("duration", "5"),
                Integer.parseInt(setting("repeats", "3")),
                Integer.parseInt(setting("prefill", "100000")),
                only.isBlank() ? List.of() : Arrays.stream(only.split(",")).map(String::trim).toList(),
                Path.of(setting("out", System.getProperty("bench.defaultOut", "results"))));
    }

    /** True if the scenario with this id is selected. */
    boolean selected(String id) {
        return only.isEmpty() || only.stream().anyMatch(id::startsWith);
    }

    static int integer(String key, int dflt) {
        String s = setting(key, Integer.toString(dflt));
        try {
            return Integer.parseInt(s.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench." + key + " must be a whole number: \"" + s + "\"", e);
        }
    }

    /** Seconds as a number ({@code 30}, {@code 2.5}) or with a unit ({@code 30s}, {@code 10m}). */
    static Duration seconds(String key, String dflt) {
        String s = setting(key, dflt);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("m")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000));
            }
            if (s.endsWith("s")) {
                s = s.substring(0, s.length() - 1);
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench." + key + " must be a number of seconds: \"" + s + "\"", e);
        }
    }

    static String setting(String key, String dflt) {
        String v = System.getProperty("bench." + key);
        if (v == null || v.isBlank()) {
            v = System.getenv("BENCH_" + key.toUpperCase(java.util.Locale.ROOT));
        }
        return v == null || v.isBlank() ? dflt : v.trim();
    }
}
