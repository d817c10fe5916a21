package dev.pq.examples.spring;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What CI checks, over HTTP as a user would: an order is accepted, its email job runs, health is
 * UP with pq's indicator, and Prometheus metrics are served. Prints one line; 0 when all passed.
 */
final class SelfCheck {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SelfCheck() {
    }

    static int run(ConfigurableApplicationContext context) {
        String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
        try {
            long started = System.nanoTime();
            HttpResponse<String> placed = send(HttpRequest.newBuilder(URI.create(base + "/orders"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"tea\",\"email\":\"ada@example.com\"}")).build());
            if (placed.statusCode() != 201) {
                return fail("POST /orders answered " + placed.statusCode() + ": " + placed.body());
            }
            String id = placed.body().replaceAll("\\D+", "");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!send(get(base + "/orders/" + id)).body().contains("\"emailSent\":true")) {
                if (System.nanoTime() > deadline) {
                    return fail("the email job of order " + id + " did not run within 30 s");
                }
                Thread.sleep(50); // a user polling the order's page
            }
            long emailMs = (System.nanoTime() - started) / 1_000_000;
            HttpResponse<String> health = send(get(base + "/actuator/health"));
            if (health.statusCode() != 200 || !health.body().contains("\"pq\":{\"status\":\"UP\"")) {
                return fail("/actuator/health answered " + health.statusCode() + ": " + health.body());
            }
            HttpResponse<String> prometheus = send(get(base + "/actuator/prometheus"));
            if (prometheus.statusCode() != 200 || !prometheus.body().contains("jvm_memory_used_bytes")) {
                return fail("/actuator/prometheus answered " + prometheus.statusCode());
            }
            if (!prometheus.body().lines().anyMatch(l -> l.startsWith("pq_jobs_succeeded_total{")
                    && l.contains("task=\"Emails.orderConfirmation\""))) {
                return fail("/actuator/prometheus has no pq_jobs_succeeded_total for Emails.orderConfirmation");
            }
            System.out.println("self-check passed: order " + id + " placed, its email sent in " + emailMs
                    + " ms, health UP, pq's meters on /actuator/prometheus");
            return 0;
        } catch (Exception e) {
            return fail(e.toString());
        }
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static int fail(String reason) {
        System.out.println("self-check FAILED: " + reason);
        return 1;
    }
}
