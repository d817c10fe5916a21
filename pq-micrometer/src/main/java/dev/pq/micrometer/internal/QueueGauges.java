package dev.pq.micrometer.internal;

import dev.pq.tasks.Admin;
import dev.pq.tasks.QueueSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue gauges: one {@link Admin#queues()} read per interval on a daemon thread (never per
 * scrape, never per job); the gauges return the last values read. A failing read logs WARN once
 * (until a read succeeds again) and the gauges keep their values.
 */
public final class QueueGauges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueGauges.class);
    private static final String[] STATES = {"ready", "scheduled", "working", "failed"};

    /** The last values read for one queue: the four states, then the oldest ready age in seconds. */
    static final class Values {
        /** Replaced whole by each read (volatile: a scrape on another thread sees the latest). */
        volatile double[] v = new double[5];
    }

    private final Admin admin;
    private final Duration interval;
    private final Clock clock;
    private final Tags common;
    private final ConcurrentMap<String, Values> queues = new ConcurrentHashMap<>();
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final AtomicLong refreshes = new AtomicLong();
    private final AtomicBoolean warned = new AtomicBoolean();
    private final AtomicReference<Thread> thread = new AtomicReference<>();
    private volatile boolean closed;

    public QueueGauges(Admin admin, Duration interval, Clock clock, Tags common) {
        this.admin = admin;
        this.interval = interval;
        this.clock = clock;
        this.common = common;
    }

    /** Registers the gauges of every queue known (and those found later) with {@code r}; starts the thread. */
    public void bindTo(MeterRegistry r) {
        registries.add(r);
        queues.forEach((q, values) -> register(r, q, values));
        Thread t = new Thread(this::loop, "pq-metrics-gauges");
        t.setDaemon(true);
        if (!closed && thread.compareAndSet(null, t)) {
            t.start();
        }
    }

    /** Completed reads so far (a signal for tests). */
    public long refreshes() {
        return refreshes.get();
    }

    private void loop() {
        while (!closed) {
            refresh();
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return; // closed
            }
        }
    }

    /** Reads every queue's counts once and updates the gauges' values. */
    public void refresh() {
        List<QueueSummary> read;
        try {
            read = admin.queues();
        } catch (RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                log.warn("pq metrics: reading the queue counts failed; the queue gauges keep their last values "
                        + "(this is logged once until a read succeeds): {}", e.toString());
            }
            return;
        }
        warned.set(false);
        Instant now = clock.instant();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (QueueSummary s : read) {
            seen.add(s.queue());
            Values values = queues.computeIfAbsent(s.queue(), q -> {
                Values fresh = new Values();
                registries.forEach(r -> register(r, q, fresh));
                return fresh;
            });
            values.v = new double[] {
                Math.max(0, s.ready() - s.locked()), // due and not locked: waiting for a worker
                s.scheduled(), s.locked(), s.failed(),
                s.oldestReadyAt() == null ? 0 : Math.max(0, Duration.between(s.oldestReadyAt(), now).toNanos() / 1e9)};
        }
        queues.forEach((q, values) -> {
            if (!seen.contains(q)) {
                values.v = new double[5]; // a queue that emptied entirely: no row, every count 0
            }
        });
        refreshes.incrementAndGet();
    }

    private void register(MeterRegistry r, String queue, Values values) {
        Tags tags = common.and("queue", queue);
        for (int i = 0; i < STATES.length; i++) {
            int index = i;
            Gauge.builder("pq.queue.jobs", values, v -> v.v[index]).description("Jobs of a queue by state")
                    .tags(tags).tag("state", STATES[i]).register(r);
        }
        Gauge.builder("pq.queue.oldest.ready.age", values, v -> v.v[4])
                .description("Seconds since the oldest ready job of a queue became due").baseUnit("seconds")
                .tags(tags).register(r);
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread.get();
        if (t != null) {
            t.interrupt();
        }
    }
}
