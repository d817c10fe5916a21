package dev.pq.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobListener;
import dev.pq.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The shop on a random port: an order over HTTP, its email job run by the worker, health and metrics. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability // tests turn metrics export off by default; the shop serves /actuator/prometheus
class ShopApplicationTest {
    static final String SCHEMA = TestDatabase.newSchema();
    static final BlockingQueue<String> PERFORMED = new LinkedBlockingQueue<>();
    static final BlockingQueue<String> ENQUEUED = new LinkedBlockingQueue<>();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> TestDatabase.url("currentSchema=" + SCHEMA));
        registry.add("pq.schema", () -> SCHEMA);
    }

    /** Tells the test when a job has run (JobListener beans are added to Tasks by the starter). */
    @TestConfiguration
    static class Performed {
        @Bean
        JobListener performed() {
            return new JobListener() {
                @Override
                public void afterEnqueue(dev.pq.tasks.EnqueuedJob job) {
                    ENQUEUED.add(job.task() + ":" + job.id());
                }

                @Override
                public void afterPerform(JobContext job) {
                    PERFORMED.add(job.task() + ":" + job.id());
                }
            };
        }
    }

    @Value("${local.server.port}")
    int port;
    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void postOrder_enqueuesItsEmailInTheSameTransaction_andTheWorkerSendsIt() throws Exception {
        HttpResponse<String> placed = http.send(HttpRequest.newBuilder(uri("/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"tea\",\"email\":\"ada@example.com\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, placed.statusCode(), placed.body());
        long id = Long.parseLong(placed.body().replaceAll("\\D+", ""));
        String performed = PERFORMED.poll(20, TimeUnit.SECONDS);
        assertTrue(performed != null && performed.startsWith("Emails.orderConfirmation:"), String.valueOf(performed));
        assertEquals("ada@example.com", jdbc.queryForObject("select recipient from emails where order_id = ?", String.class, id));
        assertTrue(get("/orders/" + id).body().contains("\"emailSent\":true"));

        HttpResponse<String> health = get("/actuator/health");
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"pq\":{\"status\":\"UP\""), health.body());
        HttpResponse<String> prometheus = get("/actuator/prometheus");
        assertEquals(200, prometheus.statusCode());
        assertTrue(prometheus.body().contains("jvm_memory_used_bytes"));
        assertTrue(prometheus.body().lines().anyMatch(l -> l.startsWith("pq_jobs_succeeded_total{")
                && l.contains("task=\"Emails.orderConfirmation\"")), "pq's meters on /actuator/prometheus");
    }

    @Test
    void invalidOrder_isRefused_andNothingIsEnqueued() throws Exception {
        long jobsBefore = jdbc.queryForObject("select count(*) from queue", Long.class);
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(uri("/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"tea\",\"email\":\"nobody\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(jobsBefore, jdbc.queryForObject("select count(*) from queue", Long.class));
    }

    @Test
    void outOfStockOrder_failsAfterItsEmailWasEnqueued_andRollsBackTheOrderAndTheJob() throws Exception {
        long ordersBefore = jdbc.queryForObject("select count(*) from orders", Long.class);
        long jobsBefore = jdbc.queryForObject("select count(*) from queue", Long.class);
        ENQUEUED.clear();
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(uri("/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"rare tea\",\"email\":\"ada@example.com\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(409, refused.statusCode(), refused.body());
        String enqueued = ENQUEUED.poll();
        assertTrue(enqueued != null && enqueued.startsWith("Emails.orderConfirmation:"),
                "the email job was written before the failure: " + enqueued);
        assertEquals(ordersBefore, jdbc.queryForObject("select count(*) from orders", Long.class), "no order");
        assertEquals(jobsBefore, jdbc.queryForObject("select count(*) from queue", Long.class), "no job");
        long jobId = Long.parseLong(enqueued.substring(enqueued.indexOf(':') + 1));
        assertEquals(0L, jdbc.queryForObject("select count(*) from queue where id = ?", Long.class, jobId));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
