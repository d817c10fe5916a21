package dev.pq.spring;

import dev.pq.spring.shop.Shop;
import dev.pq.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the shop as a user would, with SpringApplication, on a schema of its own. */
final class ShopApps {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ShopApps() {
    }

    static ConfigurableApplicationContext start(ShopDatabase db, boolean web, String... properties) {
        List<String> props = new ArrayList<>(List.of(
                "spring.datasource.url=" + TestDatabase.url("currentSchema=" + db.schema),
                "pq.schema=" + db.schema,
                "pq.worker.poll-interval=200ms",
                "pq.worker.wait-period=5s",
                "server.port=0",
                "spring.main.web-application-type=" + (web ? "servlet" : "none")));
        props.addAll(List.of(properties));
        return new SpringApplicationBuilder(Shop.class, TransactionalEnqueueTest.JdbcTransactions.class)
                .properties(props.toArray(String[]::new))
                .run();
    }

    /** GETs {@code path} on the application's port: the status and the body. */
    static HttpResponse<String> get(ConfigurableApplicationContext app, String path) throws IOException, InterruptedException {
        String port = app.getEnvironment().getProperty("local.server.port");
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
