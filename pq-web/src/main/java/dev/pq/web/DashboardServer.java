package dev.pq.web;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Dashboard} served by an embedded Jetty on one address and port: what {@code pq web}
 * runs. Binds 127.0.0.1 unless told otherwise; {@code port} 0 picks a free one.
 *
 * <pre>{@code
 * try (DashboardServer server = DashboardServer.start(dashboard, "127.0.0.1", 8080)) {
 *     log.info("dashboard at {}", server.uri());
 *     server.join();
 * }
 * }</pre>
 *
 * <p>Needs Jetty ({@code org.eclipse.jetty.ee10:jetty-ee10-servlet}) on the class path: pq-web
 * declares it optional, so an application that mounts {@link Dashboard#servlet()} in its own
 * container does not inherit it.
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);

    private final Server server;
    private final ServerConnector connector;
    private final String prefix;

    private DashboardServer(Server server, ServerConnector connector, String prefix) {
        this.server = server;
        this.connector = connector;
        this.prefix = prefix;
    }

    /** Starts serving {@code dashboard} at {@code http://bind:port/}. */
    public static DashboardServer start(Dashboard dashboard, String bind, int port) {
        return start(dashboard, bind, port, "");
    }

    /**
     * Starts serving {@code dashboard} under {@code prefix} ("" or "/pq", say). A dashboard without
     * authentication is refused on any address but loopback.
     */
    public static DashboardServer start(Dashboard dashboard, String bind, int port, String prefix) {
        Objects.requireNonNull(dashboard, "dashboard");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(prefix, "prefix");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("*"))) {
            throw new IllegalArgumentException("prefix must be empty or like /pq (no trailing slash): " + prefix);
        }
        InetSocketAddress address = new InetSocketAddress(bind, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("bind: no such address: " + bind);
        }
        if (dashboard.authenticationOff() && !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("a dashboard without authentication binds to loopback only "
                    + "(127.0.0.1 or ::1), not " + bind + ": give it a token to serve other addresses");
        }
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("pq-web");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(bind);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(prefix.isEmpty() ? "/" : prefix);
        context.addServlet(new ServletHolder("pq-dashboard", dashboard.servlet()), "/*");
        server.setHandler(context);
        server.setStopTimeout(2000);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // the start failure is what matters
            }
            throw new IllegalStateException("the dashboard could not listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        DashboardServer s = new DashboardServer(server, connector, prefix);
        log.info("pq dashboard listening at {}", s.uri());
        return s;
    }

    /** The port it listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** The dashboard's address, such as {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        String host = connector.getHost();
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port() + prefix + "/");
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    /** Stops serving (requests in flight get up to 2 s). */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("the dashboard did not stop cleanly: {}", e.toString());
        }
    }
}
