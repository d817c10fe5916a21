package dev.pq.examples.spring;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The shop: {@code POST /orders} writes the order and enqueues its confirmation email in one
 * transaction; the worker in the same application sends it. The database is {@code PQ_DATABASE_URL}
 * when set, else an embedded PostgreSQL started for the run.
 *
 * <pre>
 * mvn -pl examples-spring-boot -am package -DskipTests exec:java                      # serve on :8080
 * mvn -pl examples-spring-boot -am package -DskipTests exec:java -Dexec.args=--self-check   # CI
 * </pre>
 */
@SpringBootApplication
public class ShopApplication {
    public static void main(String[] args) throws Exception {
        boolean selfCheck = Arrays.asList(args).contains("--self-check");
        EmbeddedPostgres embedded = null;
        String url = System.getenv("PQ_DATABASE_URL");
        if (url == null || url.isBlank()) {
            System.out.println("PQ_DATABASE_URL is not set: starting an embedded PostgreSQL");
            embedded = EmbeddedPostgres.builder().start();
            url = embedded.getJdbcUrl("postgres", "postgres");
        }
        SpringApplication app = new SpringApplication(ShopApplication.class);
        java.util.Map<String, Object> defaults = new java.util.HashMap<>();
        defaults.put("spring.datasource.url", url);
        if (selfCheck) {
            defaults.put("server.port", "0");
        }
        app.setDefaultProperties(defaults);
        int status = 0;
        try {
            ConfigurableApplicationContext context = app.run(args);
            if (selfCheck) {
                try (context) {
                    status = SelfCheck.run(context);
                }
            }
        } finally {
            if (selfCheck && embedded != null) {
                embedded.close();
            }
        }
        if (selfCheck) {
            System.exit(status);
        }
    }
}
