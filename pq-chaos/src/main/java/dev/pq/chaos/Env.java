package dev.pq.chaos;

import dev.pq.PQ;
import dev.pq.tasks.Tasks;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What every scenario runs against: the suite's own cluster with pq's tables and the ledger, the
 * scale, where worker logs go, and the harness's {@link Tasks} (over a non-pooling data source:
 * the harness holds no connection it does not use).
 */
final class Env implements AutoCloseable {
    private final Cluster cluster;
    private final Scale scale;
    private final Path logRoot;
    private final PQ pq;
    private final Tasks tasks;

    private Env(Cluster cluster, Scale scale, Path logRoot) {
        this.cluster = cluster;
        this.scale = scale;
        this.logRoot = logRoot;
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url("chaos-producer"));
        this.pq = PQ.create(ds);
        this.tasks = Tasks.create(pq);
    }

    /** Starts a cluster and prepares it: pq's tables (migrated) and the ledger. */
    static Env create(Scale scale, Path logRoot) {
        Cluster cluster = Cluster.start();
        try {
            Env env = new Env(cluster, scale, logRoot);
            env.pq.migrate();
            try (Connection c = env.app("chaos-harness"); Statement st = c.createStatement()) {
                st.execute(LedgerSql.DDL);
            }
            return env;
        } catch (SQLException | RuntimeException e) {
            cluster.close();
            throw new IllegalStateException("cannot prepare the chaos database: " + e.getMessage(), e);
        }
    }

    Cluster cluster() {
        return cluster;
    }

    Scale scale() {
        return scale;
    }

    Path logRoot() {
        return logRoot;
    }

    Tasks tasks() {
        return tasks;
    }

    /** The first key of pq's advisory locks on this table's jobs. */
    int lockClass() {
        return dev.pq.internal.Internals.engine(pq).sql().lockClass;
    }

    /** The application role's URL with this application name. */
    String url(String applicationName) {
        return cluster.url(Cluster.APP_ROLE, applicationName);
    }

    /** A connection as the application role (what workers and the producer are). */
    Connection app(String applicationName) throws SQLException {
        return DriverManager.getConnection(url(applicationName));
    }

    /** A superuser connection (fault injection, sampling; not a target of the faults on "workers"). */
    Connection admin() throws SQLException {
        return cluster.superuser();
    }

    @Override
    public void close() {
        pq.close();
        cluster.close();
    }
}
