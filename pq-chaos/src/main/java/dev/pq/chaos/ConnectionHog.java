package dev.pq.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Holds connections so that only {@code leaveFree} of the slots an ordinary role may use stay
 * free: {@code max_connections} minus {@code superuser_reserved_connections} minus
 * {@code reserved_connections} (PostgreSQL 16) is what the application role {@code chaos} can
 * have, and the hog (a superuser, application name {@code chaos-hog}) opens connections until
 * all client backends together reach that minus {@code leaveFree}. It never gives one back
 * before {@link #close()}: a slot someone else frees is taken at the next {@link #fill}.
 */
final class ConnectionHog implements AutoCloseable {
    private static final String LIMITS = "SELECT current_setting('max_connections')::int, "
            + "current_setting('superuser_reserved_connections')::int, "
            + "COALESCE(current_setting('reserved_connections', true), '0')::int";
    private static final String USED = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'";

    private final Env env;
    private final List<Connection> held = new ArrayList<>();
    private final ExecutorService openers = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "chaos-hog");
        t.setDaemon(true);
        return t;
    });
    private final int target;
    private final int appLimit;

    ConnectionHog(Env env, int leaveFree) throws SQLException {
        this.env = env;
        try (Connection c = env.admin(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LIMITS)) {
            rs.next();
            appLimit = rs.getInt(1) - rs.getInt(2) - rs.getInt(3);
        }
        target = appLimit - leaveFree;
        Cleanup.register(this);
    }

    /** Slots an ordinary role may use in all. */
    int appLimit() {
        return appLimit;
    }

    /** How many connections the hog holds. */
    synchronized int held() {
        return held.size();
    }

    /** Opens (in parallel) as many connections as the client backends are short of the target. */
    void fill(Connection admin) throws SQLException {
        int used;
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery(USED)) {
            rs.next();
            used = rs.getInt(1);
        }
        int want = target - used;
        List<Future<Connection>> opening = new ArrayList<>();
        for (int i = 0; i < want; i++) {
            opening.add(openers.submit(() -> DriverManager.getConnection(env.cluster().url(Cluster.SUPERUSER, "chaos-hog"))));
        }
        for (Future<Connection> f : opening) {
            try {
                Connection c = f.get();
                synchronized (this) {
                    held.add(c);
                }
            } catch (java.util.concurrent.ExecutionException e) {
                // no slot left: someone else got it, the next adjust sees that
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Sleeps.Interrupted(e);
            }
        }
    }

    /** Releases every held connection. */
    @Override
    public synchronized void close() {
        Cleanup.forget(this);
        held.forEach(ConnectionHog::closeQuietly);
        held.clear();
        openers.shutdownNow();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // gone already
        }
    }
}
