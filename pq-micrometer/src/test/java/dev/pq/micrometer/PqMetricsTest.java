package dev.pq.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.Admin;
import dev.pq.tasks.Enqueue;
import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobListener;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import dev.pq.testing.PgTest;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The meters count a worker's jobs exactly, per queue and task, and the gauges show the table after their interval. */
class PqMetricsTest extends PgTest {
    public interface Jobs {
        @Task(name = "m.ok", queue = "m")
        void ok();

        @Task(name = "m.flaky", queue = "m", maxRetries = 1, retryIn = "0s")
        void flaky();

        @Task(name = "m.bad", queue = "m", maxRetries = 0)
        void bad();

        @Task(name = "m.slow", queue = "m")
        void slow() throws InterruptedException;

        @Task(name = "g.later", queue = "g")
        void later();
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger flakyRuns = new AtomicInteger();
    private final CountDownLatch slowStarted = new CountDownLatch(1);

    private double count(String name, String task) {
        return registry.get(name).tag("queue", "m").tag("task", task).counter().count();
    }

    private Timer run(String task, String outcome) {
        return registry.get("pq.jobs.run").tag("task", task).tag("outcome", outcome).timer();
    }

    private double gauge(String queue, String state) {
        return registry.get("pq.queue.jobs").tag("queue", queue).tag("state", state).gauge().value();
    }

    @Test
    void meters_countEveryOutcome_andGaugesShowTheTable_afterTheirInterval() throws Exception {
        PqMetrics metrics = PqMetrics.builder(pq).gaugeInterval(Duration.ofMillis(200)).build();
        CountDownLatch settled = new CountDownLatch(7); // 3 ok, flaky twice, bad, slow
        Tasks tasks = Tasks.builder(pq).listener(metrics).listener(new JobListener() { // after metrics: it has counted
            @Override
            public void afterPerform(JobContext job) {
                settled.countDown();
            }

            @Override
            public void onFailure(JobContext job, Throwable error, boolean willRetry) {
                settled.countDown();
            }

            @Override
            public void onCancel(JobContext job) {
                settled.countDown();
            }
        }).build();
        tasks.register(Jobs.class, new Jobs() {
            public void ok() {
            }

            public void flaky() {
                if (flakyRuns.incrementAndGet() == 1) {
                    throw new IllegalStateException("first run fails");
                }
            }

            public void bad() {
                throw new IllegalArgumentException("always fails");
            }

            public void slow() throws InterruptedException {
                slowStarted.countDown();
                Thread.sleep(60_000); // interrupted by the cancel
            }

            public void later() {
            }
        });
        metrics.bindTo(registry);
        metrics.bindTo(registry); // a second bind to the same registry counts nothing twice
        Jobs jobs = tasks.client(Jobs.class);
        try (Worker worker = Worker.builder(tasks).queues("m").workerCount(2).build().start()) {
            metrics.watch(worker);
            assertEquals(1.0, registry.get("pq.worker.healthy").gauge().value());
            assertEquals(1.0, registry.get("pq.listener.connected").gauge().value());
            jobs.slow();
            long slow = tasks.lastId();
            assertTrue(slowStarted.await(10, TimeUnit.SECONDS));
            assertEquals(Admin.Cancel.RUNNING, tasks.admin().cancel(slow, "test"));
            jobs.ok();
            jobs.ok();
            jobs.ok();
            jobs.flaky();
            jobs.bad();
            assertTrue(settled.await(20, TimeUnit.SECONDS), "every run settled: " + settled.getCount() + " left");
        }
        metrics.watch(Worker.builder(tasks).build()); // built, not started: not healthy

        assertEquals(3, count("pq.jobs.enqueued", "m.ok"));
        assertEquals(1, count("pq.jobs.enqueued", "m.flaky"), "a retry is not an enqueue");
        assertEquals(3, count("pq.jobs.started", "m.ok"));
        assertEquals(2, count("pq.jobs.started", "m.flaky"));
        assertEquals(3, count("pq.jobs.succeeded", "m.ok"));
        assertEquals(1, count("pq.jobs.succeeded", "m.flaky"));
        assertEquals(1, count("pq.jobs.retried", "m.flaky"));
        assertEquals(0, count("pq.jobs.failed", "m.flaky"));
        assertEquals(1, count("pq.jobs.failed", "m.bad"));
        assertEquals(1, count("pq.jobs.cancelled", "m.slow"));
        assertEquals(0, count("pq.jobs.succeeded", "m.slow"));
        assertEquals(3, run("m.ok", "succeeded").count());
        assertEquals(1, run("m.flaky", "succeeded").count());
        assertEquals(1, run("m.flaky", "retried").count());
        assertEquals(1, run("m.bad", "failed").count());
        assertEquals(0, run("m.slow", "succeeded").count() + run("m.slow", "failed").count());
        assertEquals(7, registry.get("pq.jobs.wait").timers().stream().mapToLong(Timer::count).sum(),
                "one wait per start");
        assertTrue(registry.get("pq.jobs.run").tag("outcome", "succeeded").timers().stream()
                .filter(t -> t.count() > 0).allMatch(t -> t.totalTime(TimeUnit.NANOSECONDS) > 0));
        assertEquals(0.0, registry.find("pq.worker.healthy").gauges().stream().mapToDouble(Gauge::value).sum(),
                "a closed and an unstarted worker are not healthy");

        // queue g has no worker: two ready jobs and one scheduled; queue m keeps its failed job
        jobs.later();
        jobs.later();
        tasks.client(Jobs.class, Enqueue.options().scheduleAt(Duration.ofHours(1))).later();
        long seen = metrics.gaugeRefreshes();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (metrics.gaugeRefreshes() < seen + 2) { // a read that began after the enqueues has completed
            assertTrue(System.nanoTime() < deadline, "the gauge thread read the table within 20 s");
            Thread.sleep(5);
        }
        assertEquals(2, gauge("g", "ready"));
        assertEquals(1, gauge("g", "scheduled"));
        assertEquals(0, gauge("g", "working"));
        assertEquals(1, gauge("m", "failed"));
        assertEquals(0, gauge("m", "ready"));
        double age = registry.get("pq.queue.oldest.ready.age").tag("queue", "g").gauge().value();
        assertTrue(age >= 0 && age < 60, "oldest ready age in seconds: " + age);
        metrics.close();
    }
}
