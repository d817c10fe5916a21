package dev.pq.micrometer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The per-job meters of one registry, made once per (queue, task) and cached: a job's cost is two
 * map lookups and the meter's own update, never a database round trip.
 */
public final class JobMeters {
    /** The meters of one (queue, task). */
    public static final class Pair {
        public final Counter enqueued;
        public final Counter started;
        public final Counter succeeded;
        public final Counter failed;
        public final Counter retried;
        public final Counter cancelled;
        public final Timer waited;
        public final Timer runSucceeded;
        public final Timer runFailed;
        public final Timer runRetried;

        Pair(MeterRegistry r, Tags tags) {
            enqueued = counter(r, "pq.jobs.enqueued", "Jobs enqueued", tags);
            started = counter(r, "pq.jobs.started", "Job runs started", tags);
            succeeded = counter(r, "pq.jobs.succeeded", "Job runs whose handler returned normally", tags);
            failed = counter(r, "pq.jobs.failed", "Job runs that failed and will not run again (marked failed)", tags);
            retried = counter(r, "pq.jobs.retried", "Job runs that failed and will run again", tags);
            cancelled = counter(r, "pq.jobs.cancelled", "Job runs ended because the job was cancelled", tags);
            waited = Timer.builder("pq.jobs.wait").description("From when a job became due to its run's start")
                    .tags(tags).register(r);
            runSucceeded = run(r, tags, "succeeded");
            runFailed = run(r, tags, "failed");
            runRetried = run(r, tags, "retried");
        }

        private static Counter counter(MeterRegistry r, String name, String description, Tags tags) {
            return Counter.builder(name).description(description).tags(tags).register(r);
        }

        private static Timer run(MeterRegistry r, Tags tags, String outcome) {
            return Timer.builder("pq.jobs.run").description("Job run time, by outcome").tags(tags)
                    .tag("outcome", outcome).register(r);
        }
    }

    private final MeterRegistry registry;
    private final Tags common;
    private final ConcurrentMap<String, ConcurrentMap<String, Pair>> byQueue = new ConcurrentHashMap<>();

    public JobMeters(MeterRegistry registry, Tags common) {
        this.registry = registry;
        this.common = common;
    }

    /** The meters of (queue, task); a null task (a job put by pq-core) is tagged {@code none}. */
    public Pair of(String queue, String task) {
        String t = task == null ? "none" : task;
        ConcurrentMap<String, Pair> byTask = byQueue.get(queue);
        if (byTask == null) {
            byTask = byQueue.computeIfAbsent(queue, q -> new ConcurrentHashMap<>());
        }
        Pair p = byTask.get(t);
        if (p == null) {
            p = byTask.computeIfAbsent(t, k -> new Pair(registry, common.and("queue", queue, "task", k)));
        }
        return p;
    }
}
