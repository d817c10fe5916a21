package dev.pq.bench;

import dev.pq.Queue;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Percentiles (nearest rank) of latencies in nanoseconds, reported in milliseconds. */
final class Latencies {
    private Latencies() {
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1));
        return sorted[i] / 1e6;
    }

    /**
     * Until {@code endNanos}: puts one job (not timed), then times one {@code queue.poll()} taking
     * it; returns the poll times in nanoseconds.
     */
    static long[] putThenPoll(Queue<Object> queue, long endNanos, String id) {
        long[] lat = new long[1024];
        int n = 0;
        while (System.nanoTime() < endNanos) {
            queue.put(BenchDb.PAYLOAD);
            long s = System.nanoTime();
            if (queue.poll().isEmpty()) {
                throw new IllegalStateException(id + ": poll found nothing");
            }
            if (n == lat.length) {
                lat = Arrays.copyOf(lat, n * 2);
            }
            lat[n++] = System.nanoTime() - s;
        }
        return Arrays.copyOf(lat, n);
    }

    /** A run whose value is the p50 in ms, with p90, p99, max and the count in its extras. */
    static Scenario.Run run(long[] nanos, double seconds, Map<String, Object> more) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("p50ms", round(percentile(s, 50)));
        extra.put("p90ms", round(percentile(s, 90)));
        extra.put("p99ms", round(percentile(s, 99)));
        extra.put("maxMs", round(s.length == 0 ? Double.NaN : s[s.length - 1] / 1e6));
        extra.put("n", s.length);
        extra.putAll(more);
        return new Scenario.Run(percentile(s, 50), s.length, seconds, extra);
    }

    static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
