package dev.pq.web.internal;

import dev.pq.tasks.Admin;
import dev.pq.tasks.DepthSample;
import dev.pq.tasks.StatsBucket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The stats page and the overview's charts: the series over the last hour, day or week, drawn as SVG. */
final class StatsPage {
    private enum Range {
        HOUR("last hour", Duration.ofHours(1), StatsBucket.Size.MINUTE, false),
        DAY("last day", Duration.ofDays(1), StatsBucket.Size.MINUTE, true),
        WEEK("last week", Duration.ofDays(7), StatsBucket.Size.HOUR, true);

        final String label;
        final Duration length;
        final StatsBucket.Size size;
        final boolean withDate;

        Range(String label, Duration length, StatsBucket.Size size, boolean withDate) {
            this.label = label;
            this.length = length;
            this.size = size;
            this.withDate = withDate;
        }
    }

    /** The buckets of a range, every one present (empty ones zero), oldest first. */
    private record Window(List<Instant> starts, Instant from, Instant to) {
        static Window of(Range r, Instant now) {
            ChronoUnit unit = r.size == StatsBucket.Size.MINUTE ? ChronoUnit.MINUTES : ChronoUnit.HOURS;
            Instant last = now.truncatedTo(unit);
            Instant first = last.minus(r.length).plus(r.size.length());
            List<Instant> starts = new ArrayList<>();
            for (Instant t = first; !t.isAfter(last); t = t.plus(r.size.length())) {
                starts.add(t);
            }
            return new Window(starts, first, last.plus(r.size.length()));
        }
    }

    private final Admin admin;
    private final Templates templates;

    StatsPage(Admin admin, Templates templates) {
        this.admin = admin;
        this.templates = templates;
    }

    String render(Page p) {
        String rangeKey = p.param("range") == null ? "hour" : p.param("range");
        Range range;
        try {
            range = Range.valueOf(rangeKey.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("range is hour, day or week: " + rangeKey);
        }
        String queue = p.param("queue") == null ? null : Pages.queueName(p.param("queue"));
        Window w = Window.of(range, p.now());
        List<StatsBucket> buckets = admin.stats(range.size, w.from(), w.to(), queue, null);
        Map<Instant, StatsBucket> at = new HashMap<>();
        buckets.forEach(b -> at.put(b.start(), b));
        List<Map<String, Object>> ranges = new ArrayList<>();
        for (Range r : Range.values()) {
            ranges.add(Fmt.map("key", r.name().toLowerCase(), "label", r.label, "active", r == range));
        }
        List<Map<String, Object>> byQueue = new ArrayList<>();
        for (StatsBucket b : admin.statsByQueue(range.size, w.from(), w.to())) {
            byQueue.add(Fmt.map("queue", b.queue(), "queueUrl", Page.url(b.queue()), "range", range.name().toLowerCase(),
                    "processed", b.processed(), "failed", b.failed(), "cancelled", b.cancelled(),
                    "w50", Fmt.duration(b.waitTime().p50()), "w95", Fmt.duration(b.waitTime().p95()),
                    "w99", Fmt.duration(b.waitTime().p99()), "r50", Fmt.duration(b.runTime().p50()),
                    "r95", Fmt.duration(b.runTime().p95()), "r99", Fmt.duration(b.runTime().p99())));
        }
        String bucket = range.size == StatsBucket.Size.MINUTE ? "minute" : "hour";
        Map<String, Object> scope = Fmt.map("queue", queue, "queueUrl", queue == null ? null : Page.url(queue),
                "ranges", ranges, "rangeLabel", range.label, "bucket", bucket, "byQueue", byQueue,
                "throughput", throughput(w, at, range.withDate),
                "wait", latency("Wait time", w, at, b -> b.waitTime(), range.withDate),
                "run", latency("Run time", w, at, b -> b.runTime(), range.withDate),
                "depth", depth(w, range, queue));
        return templates.render("stats", p.scope(), scope);
    }

    String throughputLastHour(Instant now) {
        Window w = Window.of(Range.HOUR, now);
        return throughput(w, index(admin.stats(StatsBucket.Size.MINUTE, w.from(), w.to(), null, null)), false);
    }

    String latencyLastHour(Instant now) {
        Window w = Window.of(Range.HOUR, now);
        Map<Instant, StatsBucket> at = index(admin.stats(StatsBucket.Size.MINUTE, w.from(), w.to(), null, null));
        return Charts.lines("Latency", w.starts(), List.of(
                series("wait p50", w, at, b -> micros(b.waitTime().p50()), b -> b.waitTime().count()),
                series("wait p95", w, at, b -> micros(b.waitTime().p95()), b -> b.waitTime().count()),
                series("run p50", w, at, b -> micros(b.runTime().p50()), b -> b.runTime().count()),
                series("run p95", w, at, b -> micros(b.runTime().p95()), b -> b.runTime().count())),
                StatsPage::durationLabel, false);
    }

    private static Map<Instant, StatsBucket> index(List<StatsBucket> buckets) {
        Map<Instant, StatsBucket> at = new HashMap<>();
        buckets.forEach(b -> at.put(b.start(), b));
        return at;
    }

    private static String throughput(Window w, Map<Instant, StatsBucket> at, boolean withDate) {
        return Charts.lines("Throughput", w.starts(), List.of(
                counts("processed", w, at, b -> b.processed()),
                counts("failed", w, at, b -> b.failed()),
                counts("cancelled", w, at, b -> b.cancelled())), StatsPage::countLabel, withDate);
    }

    private interface Pick {
        StatsBucket.Percentiles of(StatsBucket b);
    }

    private static String latency(String title, Window w, Map<Instant, StatsBucket> at, Pick pick, boolean withDate) {
        return Charts.lines(title, w.starts(), List.of(
                series("p50", w, at, b -> micros(pick.of(b).p50()), b -> pick.of(b).count()),
                series("p95", w, at, b -> micros(pick.of(b).p95()), b -> pick.of(b).count()),
                series("p99", w, at, b -> micros(pick.of(b).p99()), b -> pick.of(b).count())),
                StatsPage::durationLabel, withDate);
    }

    private String depth(Window w, Range range, String queue) {
        double[] ready = new double[w.starts().size()];
        double[] scheduled = new double[w.starts().size()];
        Arrays.fill(ready, Double.NaN);
        Arrays.fill(scheduled, Double.NaN);
        Map<Instant, Integer> slot = new HashMap<>();
        for (int i = 0; i < w.starts().size(); i++) {
            slot.put(w.starts().get(i), i);
        }
        for (DepthSample d : admin.depth(range.size, w.from(), w.to(), queue)) {
            Integer i = slot.get(d.at());
            if (i != null) {
                ready[i] = (Double.isNaN(ready[i]) ? 0 : ready[i]) + d.ready();
                scheduled[i] = (Double.isNaN(scheduled[i]) ? 0 : scheduled[i]) + d.scheduled();
            }
        }
        return Charts.lines("Queue depth", w.starts(), List.of(new Charts.Series("ready", ready),
                new Charts.Series("scheduled", scheduled)), StatsPage::countLabel, range.withDate);
    }

    private static Charts.Series counts(String name, Window w, Map<Instant, StatsBucket> at,
                                        ToDoubleFunction<StatsBucket> value) {
        double[] v = new double[w.starts().size()];
        for (int i = 0; i < v.length; i++) {
            StatsBucket b = at.get(w.starts().get(i));
            v[i] = b == null ? 0 : value.applyAsDouble(b);
        }
        return new Charts.Series(name, v);
    }

    /** A percentile line: a gap where the bucket had no runs. */
    private static Charts.Series series(String name, Window w, Map<Instant, StatsBucket> at,
                                        ToDoubleFunction<StatsBucket> value, ToDoubleFunction<StatsBucket> count) {
        double[] v = new double[w.starts().size()];
        for (int i = 0; i < v.length; i++) {
            StatsBucket b = at.get(w.starts().get(i));
            v[i] = b == null || count.applyAsDouble(b) == 0 ? Double.NaN : value.applyAsDouble(b);
        }
        return new Charts.Series(name, v);
    }

    private static double micros(Duration d) {
        return d == null ? Double.NaN : d.toNanos() / 1000.0;
    }

    private static String durationLabel(double micros) {
        return micros == 0 ? "0" : Fmt.duration(Duration.ofNanos((long) (micros * 1000)));
    }

    private static String countLabel(double v) {
        if (v >= 1_000_000) {
            return String.format("%.1fM", v / 1e6);
        }
        if (v >= 10_000) {
            return String.format("%.0fk", v / 1e3);
        }
        return v == Math.rint(v) ? Long.toString((long) v) : String.format("%.1f", v);
    }
}
