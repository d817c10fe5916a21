package dev.pq.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.micrometer.PqMetrics;
import dev.pq.spring.shop.Emails;
import dev.pq.spring.shop.Sent;
import dev.pq.tasks.Tasks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** With pq-micrometer on the class path, the application's registry has pq's meters, fed by its worker. */
class MetricsTest {

    @Test
    void aJobRunByTheAppsWorker_isCountedAndTimed_inTheApplicationsMeterRegistry() throws Exception {
        ShopDatabase db = ShopDatabase.create();
        Sent.RAN.clear();
        try (ConfigurableApplicationContext app = ShopApps.start(db, false, "pq.metrics.gauge-interval=200ms")) {
            assertNotNull(app.getBean(PqMetrics.class));
            MeterRegistry registry = app.getBean(MeterRegistry.class);
            app.getBean(Tasks.class).client(Emails.class).confirm(41);
            assertEquals("email:41", Sent.RAN.poll(20, TimeUnit.SECONDS));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            Counter succeeded = null;
            while (System.nanoTime() < deadline) { // the count lands as the handler returns: a signal, bounded
                succeeded = registry.find("pq.jobs.succeeded").tags("queue", "emails", "task", "Emails.confirm").counter();
                if (succeeded != null && succeeded.count() == 1.0) {
                    break;
                }
                Thread.onSpinWait();
            }
            assertNotNull(succeeded, "pq.jobs.succeeded{queue=emails,task=Emails.confirm}: " + registry.getMeters().size()
                    + " meters");
            assertEquals(1.0, succeeded.count());
            Counter enqueued = registry.find("pq.jobs.enqueued").tags("queue", "emails").counter();
            assertNotNull(enqueued);
            assertEquals(1.0, enqueued.count());
            Timer run = registry.find("pq.jobs.run").tags("queue", "emails", "outcome", "succeeded").timer();
            assertNotNull(run);
            assertEquals(1, run.count());
            Gauge healthy = registry.find("pq.worker.healthy").gauge();
            assertNotNull(healthy, "the worker is watched");
            assertTrue(healthy.value() == 1.0 || healthy.value() == 0.0);
        }
    }
}
