package dev.pq.tasks;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * How long kept jobs stay in the table: finished rows (history, pq's kept-history get), failed
 * rows (retries used up) and cancelled rows, each pruned by age and optionally by count per
 * queue, with per-queue overrides. Every {@link Worker} prunes with {@link #defaults()} unless
 * told otherwise ({@link Worker.Builder#retention}); {@link Admin#prune} runs one prune now.
 * Pending jobs (ready, scheduled, retrying) are never touched. Immutable: every setting returns
 * a copy, validated at once.
 *
 * <p>The defaults: finished jobs kept {@value #DEFAULT_FINISHED_DAYS} day, failed and cancelled
 * ones {@value #DEFAULT_FAILED_DAYS} days, no count limit; the pruner runs every minute, deleting
 * {@value #DEFAULT_BATCH_SIZE} rows per statement (each its own short transaction) with a pause of
 * {@value #DEFAULT_BATCH_PAUSE_MS} ms between statements.
 *
 * <pre>{@code
 * Retention retention = Retention.defaults()
 *         .finished(Retention.Keep.age(Duration.ofHours(6)))              // every queue
 *         .failed(Retention.Keep.of(Duration.ofDays(30), 10_000))         // 30 days, at most 10,000 per queue
 *         .queue("audit", Retention.Kind.FINISHED, Retention.Keep.age(Duration.ofDays(90)))
 *         .interval(Duration.ofMinutes(5));
 * Worker.builder(tasks).retention(retention).build().start();
 * tasks.admin().prune(Retention.none().finished(Retention.Keep.count(1000))); // one-off
 * }</pre>
 */
public final class Retention {
    /** The default age of finished jobs, in days. */
    public static final int DEFAULT_FINISHED_DAYS = 1;
    /** The default age of failed and of cancelled jobs, in days. */
    public static final int DEFAULT_FAILED_DAYS = 14;
    /** The default number of rows one statement deletes. */
    public static final int DEFAULT_BATCH_SIZE = 1_000;
    /** The default pause between two deleting statements, in milliseconds. */
    public static final int DEFAULT_BATCH_PAUSE_MS = 10;
    /** The shortest interval between two prunes of a worker. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /** The largest batch size. */
    public static final int MAX_BATCH_SIZE = 100_000;

    /** The kinds of kept jobs. */
    public enum Kind {
        /** Finished jobs: completed with history kept, or taken by a kept-history get ({@code finished_at} set). */
        FINISHED,
        /** Failed jobs: retries used up or failed by their handler, not cancelled ({@code failed_at} set). */
        FAILED,
        /** Cancelled jobs ({@code cancelled_at} set). */
        CANCELLED
    }

    /**
     * How many jobs of a kind a queue keeps: those younger than an age, and at most the newest
     * {@code maxCount} (jobs that ended in the very same microsecond as the last one kept are kept
     * too). Either bound may be absent; with neither, every job is kept.
     */
    public static final class Keep {
        private static final Keep FOREVER = new Keep(null, -1);
        private final Duration maxAge;
        private final long maxCount;

        private Keep(Duration maxAge, long maxCount) {
            if (maxAge != null && maxAge.isNegative()) {
                throw new IllegalArgumentException("maxAge must be >= 0: " + maxAge);
            }
            this.maxAge = maxAge;
            this.maxCount = maxCount;
        }

        /** Keeps every job of the kind. */
        public static Keep forever() {
            return FOREVER;
        }

        /** Keeps jobs that ended less than {@code maxAge} ago (0: none is kept once a prune runs). */
        public static Keep age(Duration maxAge) {
            return new Keep(Objects.requireNonNull(maxAge, "maxAge"), -1);
        }

        /** Keeps the newest {@code maxCount} jobs per queue, whatever their age. */
        public static Keep count(long maxCount) {
            return new Keep(null, checkCount(maxCount));
        }

        /** Keeps jobs younger than {@code maxAge}, and of those at most the newest {@code maxCount} per queue. */
        public static Keep of(Duration maxAge, long maxCount) {
            return new Keep(Objects.requireNonNull(maxAge, "maxAge"), checkCount(maxCount));
        }

        private static long checkCount(long maxCount) {
            if (maxCount < 0) {
                throw new IllegalArgumentException("maxCount must be >= 0: " + maxCount);
            }
            return maxCount;
        }

        /** The age bound, if any. */
        public Optional<Duration> maxAge() {
            return Optional.ofNullable(maxAge);
        }

        /** The count bound per queue, if any. */
        public OptionalLong maxCount() {
            return maxCount < 0 ? OptionalLong.empty() : OptionalLong.of(maxCount);
        }

        /** True if this limit keeps every job. */
        public boolean keepsForever() {
            return maxAge == null && maxCount < 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Keep l && Objects.equals(maxAge, l.maxAge) && maxCount == l.maxCount;
        }

        @Override
        public int hashCode() {
            return Objects.hash(maxAge, maxCount);
        }

        @Override
        public String toString() {
            if (keepsForever()) {
                return "forever";
            }
            return (maxAge == null ? "" : "age " + maxAge) + (maxAge != null && maxCount >= 0 ? ", " : "")
                    + (maxCount < 0 ? "" : "newest " + maxCount);
        }
    }

    private final Map<Kind, Keep> limits;
    private final Map<String, Map<Kind, Keep>> overrides;
    private final Duration interval;
    private final int batchSize;
    private final Duration batchPause;

    private Retention(Map<Kind, Keep> limits, Map<String, Map<Kind, Keep>> overrides, Duration interval,
                      int batchSize, Duration batchPause) {
        this.limits = Collections.unmodifiableMap(new EnumMap<>(limits));
        TreeMap<String, Map<Kind, Keep>> o = new TreeMap<>();
        overrides.forEach((q, m) -> o.put(q, Collections.unmodifiableMap(new EnumMap<>(m))));
        this.overrides = Collections.unmodifiableMap(o);
        this.interval = interval;
        this.batchSize = batchSize;
        this.batchPause = batchPause;
    }

    /** Finished jobs kept 1 day, failed and cancelled ones 14 days; pruned every minute in batches of 1,000. */
    public static Retention defaults() {
        Map<Kind, Keep> l = new EnumMap<>(Kind.class);
        l.put(Kind.FINISHED, Keep.age(Duration.ofDays(DEFAULT_FINISHED_DAYS)));
        l.put(Kind.FAILED, Keep.age(Duration.ofDays(DEFAULT_FAILED_DAYS)));
        l.put(Kind.CANCELLED, Keep.age(Duration.ofDays(DEFAULT_FAILED_DAYS)));
        return new Retention(l, Map.of(), Duration.ofMinutes(1), DEFAULT_BATCH_SIZE,
                Duration.ofMillis(DEFAULT_BATCH_PAUSE_MS));
    }

    /**
     * Keeps every job forever: a worker given this runs no pruner at all (expired unique-period
     * claims then stay until an enqueue of the same key takes them over, or {@link Admin#prune}).
     * Settings added to it ({@link #finished}, {@link #queue}...) prune only what they name.
     */
    public static Retention none() {
        Map<Kind, Keep> l = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            l.put(k, Keep.forever());
        }
        return new Retention(l, Map.of(), Duration.ofMinutes(1), DEFAULT_BATCH_SIZE,
                Duration.ofMillis(DEFAULT_BATCH_PAUSE_MS));
    }

    /** A copy keeping jobs of {@code kind} in every queue (without an override) as {@code limit} says. */
    public Retention keep(Kind kind, Keep limit) {
        Map<Kind, Keep> l = new EnumMap<>(limits);
        l.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(limit, "limit"));
        return new Retention(l, overrides, interval, batchSize, batchPause);
    }

    /** A copy keeping finished jobs as {@code limit} says. */
    public Retention finished(Keep limit) {
        return keep(Kind.FINISHED, limit);
    }

    /** A copy keeping failed jobs as {@code limit} says. */
    public Retention failed(Keep limit) {
        return keep(Kind.FAILED, limit);
    }

    /** A copy keeping cancelled jobs as {@code limit} says. */
    public Retention cancelled(Keep limit) {
        return keep(Kind.CANCELLED, limit);
    }

    /** A copy where queue {@code queue} (an exact name) keeps its jobs of {@code kind} as {@code limit} says. */
    public Retention queue(String queue, Kind kind, Keep limit) {
        Objects.requireNonNull(queue, "queue");
        if (queue.isEmpty()) {
            throw new IllegalArgumentException("queue must not be empty");
        }
        Map<String, Map<Kind, Keep>> o = new TreeMap<>(overrides);
        Map<Kind, Keep> m = new EnumMap<>(Kind.class);
        m.putAll(o.getOrDefault(queue, Map.of()));
        m.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(limit, "limit"));
        o.put(queue, m);
        return new Retention(limits, o, interval, batchSize, batchPause);
    }

    /** A copy with workers pruning every {@code interval} (default 1 minute, at least 100 ms). */
    public Retention interval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("interval must be >= " + MIN_INTERVAL.toMillis() + "ms: " + interval);
        }
        return new Retention(limits, overrides, interval, batchSize, batchPause);
    }

    /** A copy deleting at most {@code batchSize} rows per statement and transaction (default 1,000; 1 to 100,000). */
    public Retention batchSize(int batchSize) {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batchSize must be between 1 and " + MAX_BATCH_SIZE + ": " + batchSize);
        }
        return new Retention(limits, overrides, interval, batchSize, batchPause);
    }

    /** A copy pausing {@code pause} between two deleting statements (default 10 ms; 0 to 10 s). */
    public Retention batchPause(Duration pause) {
        Objects.requireNonNull(pause, "batchPause");
        if (pause.isNegative() || pause.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("batchPause must be between 0 and 10s: " + pause);
        }
        return new Retention(limits, overrides, interval, batchSize, pause);
    }

    /** The limit of {@code kind} for queues without an override. */
    public Keep limit(Kind kind) {
        return limits.get(Objects.requireNonNull(kind, "kind"));
    }

    /** The limit of {@code kind} that applies to {@code queue}: its override, else the general one. */
    public Keep limit(String queue, Kind kind) {
        Keep l = overrides.getOrDefault(queue, Map.of()).get(kind);
        return l != null ? l : limit(kind);
    }

    /** The per-queue overrides, by queue name. */
    public Map<String, Map<Kind, Keep>> overrides() {
        return overrides;
    }

    /** How often a worker prunes. */
    public Duration interval() {
        return interval;
    }

    /** Rows deleted per statement at most. */
    public int batchSize() {
        return batchSize;
    }

    /** The pause between two deleting statements. */
    public Duration batchPause() {
        return batchPause;
    }

    /** True if nothing is ever pruned: every limit, general and per queue, keeps forever. */
    public boolean keepsEverything() {
        return limits.values().stream().allMatch(Keep::keepsForever)
                && overrides.values().stream().flatMap(m -> m.values().stream()).allMatch(Keep::keepsForever);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Retention r && limits.equals(r.limits) && overrides.equals(r.overrides)
                && interval.equals(r.interval) && batchSize == r.batchSize && batchPause.equals(r.batchPause);
    }

    @Override
    public int hashCode() {
        return Objects.hash(limits, overrides, interval, batchSize, batchPause);
    }

    @Override
    public String toString() {
        return "Retention[finished=" + limits.get(Kind.FINISHED) + ", failed=" + limits.get(Kind.FAILED) + ", cancelled="
                + limits.get(Kind.CANCELLED) + (overrides.isEmpty() ? "" : ", queues=" + overrides) + ", interval="
                + interval + ", batchSize=" + batchSize + ", batchPause=" + batchPause + "]";
    }
}
