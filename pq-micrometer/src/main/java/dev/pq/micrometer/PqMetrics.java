package dev.pq.micrometer;

import dev.pq.PQ;
import dev.pq.micrometer.internal.JobMeters;
import dev.pq.micrometer.internal.QueueGauges;
import dev.pq.tasks.EnqueuedJob;
import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobListener;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * pq's Micrometer meters: job counters and timers (from the {@link JobListener} events, no database
 * round trip per job), queue gauges (one read per {@link Builder#gaugeInterval interval} on a
 * background thread) and worker health gauges (from memory). Create it before {@link Tasks}, pass
 * it as a listener, bind it to a registry, tell it about the worker, close it at the end.
 *
 * <pre>{@code
 * PqMetrics metrics = PqMetrics.builder(pq).gaugeInterval(Duration.ofSeconds(10)).build();
 * Tasks tasks = Tasks.builder(pq).listener(metrics).build();
 * metrics.bindTo(registry);
 * Worker worker = Worker.builder(tasks).build().start();
 * metrics.watch(worker);
 * ...
 * worker.close();
 * metrics.close();
 * }</pre>
 *
 * Events before the first {@link #bindTo} are not counted.
 */
public final class PqMetrics implements MeterBinder, JobListener, AutoCloseable {
    /** The run start of the job running on this thread (beforePerform and afterPerform share the thread). */
    private static final class Start {
        JobContext job;
        long nanos;
    }

    private final ThreadLocal<Start> start = ThreadLocal.withInitial(Start::new);
    private final Tags common;
    private final QueueGauges gauges;
    private final List<JobMeters> meters = new CopyOnWriteArrayList<>();
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final List<Worker> workers = new CopyOnWriteArrayList<>();

    private PqMetrics(Builder b) {
        this.common = b.tags;
        this.gauges = new QueueGauges(Tasks.create(b.pq).admin(), b.gaugeInterval, b.clock, b.tags);
    }

    /** A builder of metrics for the jobs of {@code pq}'s table. */
    public static Builder builder(PQ pq) {
        return new Builder(pq);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (registries.contains(registry)) {
            return; // bound already: a second JobMeters would count every job twice
        }
        registries.add(registry);
        meters.add(new JobMeters(registry, common));
        workers.forEach(w -> workerGauges(registry, w));
        gauges.bindTo(registry);
    }

    /** Adds the health gauges of {@code worker} ({@code pq.worker.healthy}, {@code pq.listener.connected}). */
    public PqMetrics watch(Worker worker) {
        Objects.requireNonNull(worker, "worker");
        workers.add(worker);
        registries.forEach(r -> workerGauges(r, worker));
        return this;
    }

    private void workerGauges(MeterRegistry r, Worker w) {
        Tags tags = common.and("worker", w.id());
        Gauge.builder("pq.worker.healthy", w, x -> x.health().healthy() ? 1 : 0)
                .description("1 while the worker runs with its locker connected and LISTEN in place").tags(tags)
                .register(r);
        Gauge.builder("pq.listener.connected", w, x -> x.health().listening() ? 1 : 0)
                .description("1 while LISTEN is in place on the listener connection").tags(tags).register(r);
    }

    /** Queue gauge reads completed so far (for tests: a signal, not a sleep). */
    long gaugeRefreshes() {
        return gauges.refreshes();
    }

    @Override
    public void afterEnqueue(EnqueuedJob job) {
        for (JobMeters m : meters) {
            m.of(job.queue(), job.task()).enqueued.increment();
        }
    }

    @Override
    public void beforePerform(JobContext job) {
        Instant now = Instant.now();
        Start s = start.get();
        s.job = job;
        s.nanos = System.nanoTime();
        long waitNanos = Math.max(0, Duration.between(job.readyAt(), now).toNanos());
        for (JobMeters m : meters) {
            JobMeters.Pair p = m.of(job.queue(), job.task());
            p.started.increment();
            p.waited.record(waitNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void afterPerform(JobContext job) {
        long run = elapsed(job);
        for (JobMeters m : meters) {
            JobMeters.Pair p = m.of(job.queue(), job.task());
            p.succeeded.increment();
            if (run >= 0) {
                p.runSucceeded.record(run, TimeUnit.NANOSECONDS);
            }
        }
    }

    @Override
    public void onFailure(JobContext job, Throwable error, boolean willRetry) {
        long run = elapsed(job);
        for (JobMeters m : meters) {
            JobMeters.Pair p = m.of(job.queue(), job.task());
            (willRetry ? p.retried : p.failed).increment();
            if (run >= 0) {
                (willRetry ? p.runRetried : p.runFailed).record(run, TimeUnit.NANOSECONDS);
            }
        }
    }

    @Override
    public void onCancel(JobContext job) {
        elapsed(job);
        for (JobMeters m : meters) {
            m.of(job.queue(), job.task()).cancelled.increment();
        }
    }

    /** Nanoseconds since this thread's beforePerform of {@code job}, or -1 if it had none (then forgotten). */
    private long elapsed(JobContext job) {
        Start s = start.get();
        if (s.job != job) {
            return -1;
        }
        s.job = null;
        return System.nanoTime() - s.nanos;
    }

    /** Stops the queue gauges' thread. The meters stay registered with their last values. */
    @Override
    public void close() {
        gauges.close();
    }

    /**
     * Settings of {@link PqMetrics}, validated at {@link #build()}.
     *
     * <pre>{@code
     * PqMetrics.builder(pq).gaugeInterval(Duration.ofSeconds(30)).tags(Tags.of("app", "billing")).build();
     * }</pre>
     */
    public static final class Builder {
        private final PQ pq;
        private Duration gaugeInterval = Duration.ofSeconds(10);
        private Tags tags = Tags.empty();
        private Clock clock = Clock.systemUTC();

        private Builder(PQ pq) {
            this.pq = Objects.requireNonNull(pq, "pq");
        }

        /** How often the queue gauges are read, in one statement for every queue (default 10 s). */
        public Builder gaugeInterval(Duration gaugeInterval) {
            this.gaugeInterval = gaugeInterval;
            return this;
        }

        /** Tags added to every meter (default none). */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
            return this;
        }

        /** The clock the oldest ready job's age is measured by (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Validates the settings and creates the metrics (nothing runs until {@link PqMetrics#bindTo}). */
        public PqMetrics build() {
            Objects.requireNonNull(gaugeInterval, "gaugeInterval");
            if (gaugeInterval.compareTo(Duration.ofMillis(100)) < 0) {
                throw new IllegalArgumentException("gaugeInterval must be >= 100ms: " + gaugeInterval);
            }
            return new PqMetrics(this);
        }
    }
}
