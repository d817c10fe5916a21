package dev.pq.tasks.internal;

import dev.pq.tasks.Limit;
import dev.pq.tasks.Middleware;
import dev.pq.tasks.Retention;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * A worker's settings, sealed at {@code Worker.Builder.build()}: every list is copied, so changing
 * the builder afterwards changes nothing that was built. Validated here, with messages that name
 * the setting and the limit; settings that depend on each other are checked together.
 *
 * @param deadAfter how old a heartbeat makes a worker count as dead (the registry's threshold)
 * @param statsMinutes how long the stats series keeps its minute buckets
 * @param statsHours how long the stats series keeps its hour buckets
 * @param statsMaintenance how often (and how long after its start) the worker prunes the series and samples the depth
 * @param retention how long kept jobs stay, and how the worker's pruner runs
 * @param limits concurrency and rate limits ({@link Limits})
 * @param maxRunning this process's cap on running jobs, by queue
 * @param virtualThreads whether the job threads are virtual threads (Java 21+)
 * @param threadFactory the caller's factory of job threads, or null ({@link JobThreads})
 */
public record WorkerConfig(List<String> queues, int workerCount, List<Integer> workerPriorities, Duration pollInterval,
                           Duration waitPeriod, int maximumBufferSize, Duration jobTimeout, Duration heartbeatInterval,
                           int unknownTaskRetries, List<Middleware> middleware, boolean handleSignals,
                           Duration deadAfter, Duration statsMinutes, Duration statsHours,
                           Duration statsMaintenance, Retention retention, List<Limit> limits,
                           Map<String, Integer> maxRunning, boolean virtualThreads, ThreadFactory threadFactory) {
    /** The priority threshold of a thread that takes jobs of any priority. */
    public static final int ANY = Short.MAX_VALUE;
    /** The most platform job threads a worker starts. */
    public static final int MAX_PLATFORM_WORKERS = 1_000;
    /** The most job threads with virtual threads (or the caller's factory): a thread per I/O-bound job. */
    public static final int MAX_VIRTUAL_WORKERS = 10_000;
    /** {@code maximumBufferSize} when none was set: the lock batch follows the jobs' run times ({@link Pace}). */
    public static final int ADAPTIVE_BUFFER = -1;
    /** The most jobs the adaptive buffer locks ahead of the idle threads. */
    public static final int ADAPTIVE_BUFFER_MAX = 100;

    public WorkerConfig {
        queues = List.copyOf(Objects.requireNonNull(queues, "queues"));
        // priorities may hold nulls ("any"): List.copyOf would refuse them
        workerPriorities = Collections.unmodifiableList(new ArrayList<>(Objects.requireNonNull(workerPriorities,
                "workerPriorities")));
        middleware = List.copyOf(Objects.requireNonNull(middleware, "middleware"));
        JobThreads.resolve(virtualThreads, threadFactory); // refuses virtual threads before Java 21
        boolean cheapThreads = virtualThreads || threadFactory != null;
        int maxWorkers = cheapThreads ? MAX_VIRTUAL_WORKERS : MAX_PLATFORM_WORKERS;
        if (workerCount < 1 || workerCount > maxWorkers) {
            throw new IllegalArgumentException("workerCount must be between 1 and " + maxWorkers
                    + (cheapThreads ? " with virtualThreads or a threadFactory" : "") + ": " + workerCount);
        }
        if (workerPriorities.size() > workerCount) {
            throw new IllegalArgumentException("workerPriorities has " + workerPriorities.size()
                    + " entries, more than workerCount " + workerCount);
        }
        for (Integer p : workerPriorities) {
            if (p != null && (p < Short.MIN_VALUE || p > Short.MAX_VALUE)) {
                throw new IllegalArgumentException("workerPriorities must be between " + Short.MIN_VALUE + " and "
                        + Short.MAX_VALUE + " (or null for any): " + p);
            }
        }
        atLeast("pollInterval", pollInterval, Duration.ofMillis(10));
        atLeast("waitPeriod", waitPeriod, Duration.ZERO);
        atLeast("jobTimeout", jobTimeout, Duration.ofMillis(1));
        atLeast("heartbeatInterval", heartbeatInterval, Duration.ofMillis(100));
        Objects.requireNonNull(deadAfter, "deadAfter");
        if (heartbeatInterval.multipliedBy(3).compareTo(deadAfter) > 0) {
            throw new IllegalArgumentException("heartbeatInterval must be at most a third of the " + deadAfter.toSeconds()
                    + " s after which a silent worker counts as dead (" + deadAfter.dividedBy(3).toMillis()
                    + " ms), or live workers would be pruned between beats: " + heartbeatInterval);
        }
        if (unknownTaskRetries < 0 || unknownTaskRetries > 1_000) {
            throw new IllegalArgumentException("unknownTaskRetries must be between 0 and 1000: " + unknownTaskRetries);
        }
        if ((maximumBufferSize < 0 && maximumBufferSize != ADAPTIVE_BUFFER) || maximumBufferSize > 10_000) {
            throw new IllegalArgumentException("maximumBufferSize must be between 0 and 10000: " + maximumBufferSize);
        }
        atLeast("statsRetention's minutes", statsMinutes, Duration.ofMinutes(1));
        atLeast("statsMaintenance", statsMaintenance, Duration.ofMillis(100));
        atLeast("statsRetention's hours", statsHours, Duration.ofHours(1));
        if (statsHours.compareTo(statsMinutes) < 0) {
            throw new IllegalArgumentException("statsRetention keeps hour buckets (" + statsHours + ") shorter than "
                    + "minute buckets (" + statsMinutes + "): keep the coarser buckets at least as long");
        }
        Objects.requireNonNull(retention, "retention");
        new QueueList(queues); // validates the entries
        limits = List.copyOf(Objects.requireNonNull(limits, "limits"));
        maxRunning = Map.copyOf(Objects.requireNonNull(maxRunning, "maxRunning"));
        new Limits(limits, maxRunning); // validates them together
    }

    /** The buffer setting as the start log shows it: a number, or {@code adaptive(<=100)}. */
    public Object bufferSetting() {
        return maximumBufferSize == ADAPTIVE_BUFFER ? "adaptive(<=" + ADAPTIVE_BUFFER_MAX + ")" : maximumBufferSize;
    }

    private static void atLeast(String name, Duration d, Duration min) {
        Objects.requireNonNull(d, name);
        if (d.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " must be >= " + min.toMillis() + "ms: " + d);
        }
    }

    /** The limits, compiled by queue. */
    public Limits compiledLimits() {
        return new Limits(limits, maxRunning);
    }

    /** The factory of job threads these settings ask for. */
    public ThreadFactory jobThreads() {
        return JobThreads.resolve(virtualThreads, threadFactory);
    }

    /** The priority threshold of worker thread {@code i}: its entry of workerPriorities, else any. */
    public int threshold(int i) {
        Integer p = i < workerPriorities.size() ? workerPriorities.get(i) : null;
        return p == null ? ANY : p;
    }
}
