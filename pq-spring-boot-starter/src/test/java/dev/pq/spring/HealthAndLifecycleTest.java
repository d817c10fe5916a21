package dev.pq.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.spring.shop.Emails;
import dev.pq.spring.shop.Sent;
import dev.pq.tasks.Admin;
import dev.pq.tasks.Enqueue;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import dev.pq.tasks.WorkerHealth;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Health, the pq endpoint and the worker's lifecycle, on the shop started with SpringApplication. */
class HealthAndLifecycleTest {

    @Test
    void health_isUpWithTheWorker_thenOutOfServiceWhileAReadyJobIsTooOld_andTheEndpointListsQueues() throws Exception {
        ShopDatabase db = ShopDatabase.create();
        try (ConfigurableApplicationContext app = ShopApps.start(db, true,
                "pq.worker.queues=emails,receipts",
                "pq.health.max-ready-age=1s",
                "pq.health.ready-age-status=OUT_OF_SERVICE",
                "management.endpoint.health.show-details=always",
                "management.endpoints.web.exposure.include=health,pq")) {
            HttpResponse<String> up = ShopApps.get(app, "/actuator/health/pq");
            assertEquals(200, up.statusCode(), up.body());
            assertTrue(up.body().contains("\"status\":\"UP\""), up.body());
            assertTrue(up.body().contains("\"lockerConnected\":true") && up.body().contains("\"listening\":true")
                    && up.body().contains("\"state\":\"RUNNING\""), up.body());

            // a job in a queue no worker works grows old
            Tasks tasks = app.getBean(Tasks.class);
            long id = tasks.enqueue("Emails.confirm", Enqueue.options().queue("idle"), 9L);
            HttpResponse<String> old = pollUntil(app, 503);
            assertTrue(old.body().contains("\"status\":\"OUT_OF_SERVICE\"") && old.body().contains("readyAgeExceeded")
                    && old.body().contains("idle"), old.body());

            HttpResponse<String> endpoint = ShopApps.get(app, "/actuator/pq");
            assertEquals(200, endpoint.statusCode(), endpoint.body());
            assertTrue(endpoint.body().contains("\"queue\":\"idle\"") && endpoint.body().contains("\"workers\":[{"),
                    endpoint.body());

            assertEquals(Admin.Cancel.WAITING, app.getBean(Admin.class).cancel(id, "test over"));
            app.getBean(Admin.class).deleteFailed(id);
            assertEquals(200, pollUntil(app, 200).statusCode());
        }
    }

    @Test
    void contextClose_letsTheRunningJobFinish_thenStopsTheWorker_beforeTheDataSourceCloses() throws Exception {
        ShopDatabase db = ShopDatabase.create();
        Sent.RAN.clear();
        Sent.gate = new CountDownLatch(1);
        ConfigurableApplicationContext app = ShopApps.start(db, false);
        Worker worker = app.getBean(Worker.class);
        assertEquals(WorkerHealth.State.RUNNING, worker.health().state());
        app.getBean(Tasks.class).client(Emails.class).held(7);
        assertEquals("held-start:7", Sent.RAN.poll(20, TimeUnit.SECONDS));

        Thread closer = new Thread(app::close, "closer");
        closer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (worker.health().state() != WorkerHealth.State.STOPPED && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // close() has begun once the worker says STOPPED
        }
        assertEquals(WorkerHealth.State.STOPPED, worker.health().state());
        assertTrue(closer.isAlive(), "the context waits for the running job");
        Sent.gate.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(20));
        assertFalse(closer.isAlive());
        assertEquals("held-done:7", Sent.RAN.poll(1, TimeUnit.SECONDS), "the job finished, not interrupted");
        assertEquals(1, db.count("select count(*) from {s}.emails where order_id = 7 and kind = 'held'"),
                "its write reached the database: the DataSource was still open");
        assertEquals(0, db.count("select count(*) from {s}.queue"), "and its completion was committed");
        assertFalse(app.isActive());
    }

    @Test
    void workerDisabled_leavesTasksAndHealth_withoutAWorker() throws Exception {
        ShopDatabase db = ShopDatabase.create();
        try (ConfigurableApplicationContext app = ShopApps.start(db, false, "pq.worker.enabled=false")) {
            assertTrue(app.getBeanProvider(Worker.class).getIfAvailable() == null);
            assertTrue(app.getBean(Tasks.class).taskNames().contains("Emails.confirm"));
            // this Boot's own HealthIndicator type: Boot 3's or Boot 4's
            String boot = org.springframework.boot.SpringBootVersion.getVersion();
            String indicator = app.getBean("pqHealthIndicator").getClass().getSimpleName();
            assertEquals(boot.startsWith("4.") ? "Boot4PqHealthIndicator" : "Boot3PqHealthIndicator", indicator, boot);
            org.slf4j.LoggerFactory.getLogger(HealthAndLifecycleTest.class).info("Spring Boot {}: {}", boot, indicator);
        }
    }

    private static HttpResponse<String> pollUntil(ConfigurableApplicationContext app, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        HttpResponse<String> r;
        do {
            r = ShopApps.get(app, "/actuator/health/pq");
            if (r.statusCode() == status) {
                return r;
            }
            Thread.sleep(100); // polling the HTTP endpoint: the age grows with the clock, nothing to signal
        } while (System.nanoTime() < deadline);
        throw new AssertionError("health never answered " + status + ": " + r.statusCode() + " " + r.body());
    }
}
