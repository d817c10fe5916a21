package dev.pq.tasks;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A limit every worker process that configures it enforces together with the others, through
 * PostgreSQL: either a <b>concurrency limit</b> (at most N jobs running at once, across all
 * processes, of a queue, optionally only of one task, optionally per job group key) or a <b>rate
 * limit</b> (at most N job starts in any period, across all processes, for the queues it names).
 * A limited job waits in its queue; it is never failed or re-enqueued for the limit.
 *
 * <pre>{@code
 * Worker.builder(tasks)
 *       .limit(Limit.queue("billing").concurrency(3))                        // 3 running at once
 *       .limit(Limit.queue("reports").task("Reports.build").concurrency(1))  // one report at a time
 *       .limit(Limit.queue("sync").concurrency(2).perGroup())                // 2 per tenant (group key)
 *       .limit(Limit.rate("stripe-api", 100, Duration.ofMinutes(1)).queues("billing", "refunds"))
 *       .build();
 * }</pre>
 *
 * Every process serving a limited queue must configure the same limits: a process that does not
 * configure a limit ignores it (its starts are not counted, it does not wait for the limit).
 * Values are immutable; each method returns a new limit. They are validated at
 * {@link Worker.Builder#build()}.
 */
public final class Limit {
    private final String name;
    private final List<String> queues;
    private final String task;
    private final boolean perGroup;
    private final int concurrency;
    private final int rate;
    private final Duration period;

    private Limit(String name, List<String> queues, String task, boolean perGroup, int concurrency, int rate,
                  Duration period) {
        this.name = name;
        this.queues = queues;
        this.task = task;
        this.perGroup = perGroup;
        this.concurrency = concurrency;
        this.rate = rate;
        this.period = period;
    }

    /** A limit on the jobs of {@code queue}: give it {@link #concurrency(int)}. */
    public static Limit queue(String queue) {
        return new Limit(null, List.of(Objects.requireNonNull(queue, "queue")), null, false, 0, 0, null);
    }

    /**
     * A named rate: at most {@code starts} job starts in any window of {@code period}, shared by the
     * queues given with {@link #queues(String...)} (the name is the rate's key in the database: two
     * configurations with the same name share it).
     */
    public static Limit rate(String name, int starts, Duration period) {
        return new Limit(Objects.requireNonNull(name, "name"), List.of(), null, false, 0, starts,
                Objects.requireNonNull(period, "period"));
    }

    /** The queues a rate applies to (their starts are counted together). */
    public Limit queues(String... queues) {
        List<String> list = List.copyOf(Arrays.asList(Objects.requireNonNull(queues, "queues")));
        return new Limit(name, list, task, perGroup, concurrency, rate, period);
    }

    /** Limits only the jobs of this task (other tasks of the queue are not limited). */
    public Limit task(String task) {
        return new Limit(name, queues, Objects.requireNonNull(task, "task"), perGroup, concurrency, rate, period);
    }

    /** At most this many jobs running at once across every process configuring the limit. */
    public Limit concurrency(int max) {
        return new Limit(name, queues, task, perGroup, max, rate, period);
    }

    /**
     * Applies the concurrency limit to each job group key on its own (a tenant, say): at most N
     * running per group key; jobs without a group key form one group.
     */
    public Limit perGroup() {
        return new Limit(name, queues, task, true, concurrency, rate, period);
    }

    /** True for a rate limit, false for a concurrency limit. */
    public boolean isRate() {
        return name != null;
    }

    /** The rate's name, or for a concurrency limit a name made of its queue and task. */
    public String name() {
        return name != null ? name : "queue:" + queues.get(0) + (task == null ? "" : "/task:" + task);
    }

    /** The queues limited. */
    public List<String> queues() {
        return queues;
    }

    /** The task limited, or null for every task of the queue. */
    public String task() {
        return task;
    }

    /** True if a concurrency limit applies per job group key. */
    public boolean perGroupKey() {
        return perGroup;
    }

    /** The concurrency limit (0 for a rate). */
    public int maxConcurrency() {
        return concurrency;
    }

    /** The starts a rate allows per period (0 for a concurrency limit). */
    public int maxStarts() {
        return rate;
    }

    /** The rate's period (null for a concurrency limit). */
    public Duration period() {
        return period;
    }

    /** Checks the settings; throws {@link IllegalArgumentException} naming what is wrong. */
    void validate() {
        if (isRate()) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("limit: a rate's name must not be empty");
            }
            if (rate < 1 || rate > 100_000) {
                throw new IllegalArgumentException("limit " + name + ": starts per period must be between 1 and "
                        + "100000: " + rate);
            }
            if (period.compareTo(Duration.ofMillis(100)) < 0 || period.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("limit " + name + ": period must be between 100ms and 1 day: "
                        + period);
            }
            if (queues.isEmpty()) {
                throw new IllegalArgumentException("limit " + name + ": a rate needs queues(...): the queues whose "
                        + "starts it counts");
            }
            if (task != null || perGroup || concurrency != 0) {
                throw new IllegalArgumentException("limit " + name + ": a rate applies to whole queues; task(), "
                        + "perGroup() and concurrency() belong to Limit.queue(...)");
            }
        } else {
            if (concurrency < 1 || concurrency > 1_000) {
                throw new IllegalArgumentException("limit " + name() + ": concurrency must be between 1 and 1000: "
                        + concurrency);
            }
            if (queues.size() != 1) {
                throw new IllegalArgumentException("limit " + name() + ": a concurrency limit is on one queue: "
                        + queues);
            }
        }
        for (String q : queues) {
            if (q == null || q.isEmpty() || q.contains("*") || q.contains("?") || q.startsWith("!")) {
                throw new IllegalArgumentException("limit " + name() + ": queues must be plain queue names (no "
                        + "globs, no exclusions): " + queues);
            }
        }
    }

    @Override
    public String toString() {
        return isRate() ? "rate " + name + " " + rate + "/" + period + " on " + queues
                : name() + " concurrency " + concurrency + (perGroup ? " per group" : "");
    }
}
