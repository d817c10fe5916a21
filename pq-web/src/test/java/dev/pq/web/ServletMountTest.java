package dev.pq.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.Tasks;
import java.net.URI;
import java.net.http.HttpResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * The servlet mounted the way an application mounts it (Spring Boot's ServletRegistrationBean at
 * {@code /ops/pq/*} in the root context): the servlet path is the prefix, and links keep it.
 */
class ServletMountTest extends DashboardTestBase {
    @Test
    void servletMappedUnderAPath_inAnApplicationsOwnContainer_servesEveryLinkUnderThatPath() throws Exception {
        Tasks tasks = tasks();
        charge(tasks, "acme", 1);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler app = new ServletContextHandler("/");
        app.addServlet(new ServletHolder(Dashboard.builder(tasks).token(TOKEN).build().servlet()), "/ops/pq/*");
        server.setHandler(app);
        server.start();
        try {
            Http http = new Http(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/ops/pq/"));
            HttpResponse<String> page = http.bearer(TOKEN).get("/");
            assertEquals(200, page.statusCode(), page.body());
            assertTrue(page.body().contains("href=\"/ops/pq/static/pq.css\""), page.body());
            assertTrue(page.body().contains("href=\"/ops/pq/queue?name=billing\""), page.body());
            assertEquals(200, http.get("/static/pq.js").statusCode());
            assertEquals("/ops/pq/login?next=%2Fworkers",
                    http.html().get("/workers").headers().firstValue("Location").orElseThrow());
            assertEquals(200, http.bearer(TOKEN).post("/pause", java.util.Map.of("queue", "billing")).statusCode());
            assertEquals(1, tasks.admin().paused().size());
        } finally {
            server.stop();
        }
    }
}
