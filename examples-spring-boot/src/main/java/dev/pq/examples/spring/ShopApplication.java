package dev.pq.examples.spring;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A shop on Spring Boot and pq: {@code POST /orders} writes an order and enqueues its
 * confirmation email in one transaction; the worker in the same application sends it. Health at
 * {@code /actuator/health}, metrics at {@code /actuator/prometheus}, pq's queues at {@code /actuator/pq}.
 *
 * <pre>
 * mvn -q -pl examples-spring-boot -am package -DskipTests exec:java                       # serve on :8080
 * mvn -q -pl examples-spring-boot -am package -DskipTests exec:java -Dexec.args=--self-check
 * </pre>
 *
 * <p>The database is {@code PQ_DATABASE_URL} when set, else an embedded PostgreSQL.
 * {@code --self-check} starts the shop on a free port, places an order over HTTP, waits for its
 * email, reads health and metrics, and exits 0 (or 1 with the reason).
 */
@SpringBootApplication
public class ShopApplication {
    public static void main(String[] args) {
        boolean selfCheck = Arrays.asList(args).contains("--self-check");
        String[] rest = Arrays.stream(args).filter(a -> !a.equals("--self-check")).toArray(String[]::new);
        ShopDatabase db = ShopDatabase.open();
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("spring.datasource.url", db.url());
        SpringApplication app = new SpringApplication(ShopApplication.class);
        if (!selfCheck) {
            app.setDefaultProperties(defaults);
            SpringApplication.getShutdownHandlers().add(db::close); // after the context has closed
            app.run(rest);
            return;
        }
        defaults.put("server.port", "0");
        defaults.put("logging.level.root", "WARN");
        defaults.put("logging.level.dev.pq.examples", "INFO");
        app.setDefaultProperties(defaults);
        app.setRegisterShutdownHook(false);
        int code;
        try {
            code = SelfCheck.run(() -> app.run(rest));
        } finally {
            db.close();
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Starts the application; the self-check closes what it returns. */
    interface Starter {
        ConfigurableApplicationContext start();
    }
}
