package dev.pq;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pq.internal.ConnectionSource;
import dev.pq.internal.Engine;
import dev.pq.internal.Identifiers;
import dev.pq.internal.Internals;
import dev.pq.internal.Migrator;
import dev.pq.internal.Sql;
import dev.pq.spi.Serializer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: one queue table in one PostgreSQL database, exposing named queues.
 * Thread-safe; create one per table and share it.
 *
 * <pre>{@code
 * try (PQ pq = PQ.connect("jdbc:postgresql://localhost/app?user=app")) {
 *     pq.migrate();                                   // create or upgrade the table
 *     Queue<Object> apples = pq.queue("apples");
 *     apples.put(Map.of("kind", "Cox"));
 *     apples.get().ifPresent(job -> eat(job.data()));
 * }
 * }</pre>
 *
 * <p>Built from a {@link DataSource} ({@link #create(DataSource)}, normally a pool: each operation
 * borrows a connection), from one {@link Connection} ({@link #create(Connection)}: all threads take
 * turns on it), or from a JDBC URL ({@link #connect(String)}: PQ owns a HikariCP pool and closes
 * it). Blocking getters of every queue share one extra LISTEN connection, opened on first wait.
 */
public final class PQ implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PQ.class);

    private final Engine engine;
    private final Serializer<?> defaultSerializer;
    private final boolean keepHistory;
    private final Map<Object, Queue<?>> queues = new ConcurrentHashMap<>();

    private PQ(Builder b, ConnectionSource source, AutoCloseable owned, String origin) {
        Sql sql = new Sql(b.schema, b.table);
        String name = "PQ(" + sql.display + ")";
        this.engine = new Engine(source, sql, b.defaultTimeout, b.pollInterval, owned, name);
        this.defaultSerializer = b.serializer;
        this.keepHistory = b.keepHistory;
        log.info("pq started: table={} source={} serializer={} defaultTimeout={} pollInterval={} keepHistory={}",
                sql.display, origin, b.serializer.type(), b.defaultTimeout, b.pollInterval, b.keepHistory);
    }

    /** A PQ over a JDBC URL with a pool of its own (closed by {@link #close()}), default settings. */
    public static PQ connect(String url) {
        return builder().url(url).build();
    }

    /** A PQ over a data source (normally a connection pool), default settings. */
    public static PQ create(DataSource dataSource) {
        return builder().dataSource(dataSource).build();
    }

    /** A PQ over one connection shared by all threads (which take turns on it), default settings. */
    public static PQ create(Connection connection) {
        return builder().connection(connection).build();
    }

    /** A builder for the other settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The queue named {@code name} with this PQ's default serializer (JSON to plain values). */
    @SuppressWarnings("unchecked")
    public Queue<Object> queue(String name) {
        engine.checkOpen();
        return (Queue<Object>) queues.computeIfAbsent(Identifiers.queueName(name),
                n -> new Queue<>(engine, name, (Serializer<Object>) defaultSerializer, keepHistory));
    }

    /** The queue named {@code name}, with payloads as JSON bound to {@code type}. */
    @SuppressWarnings("unchecked")
    public <T> Queue<T> queue(String name, Class<T> type) {
        Objects.requireNonNull(type, "type");
        engine.checkOpen();
        return (Queue<T>) queues.computeIfAbsent(List.of(Identifiers.queueName(name), type),
                k -> new Queue<>(engine, name, Serializers.json(type), keepHistory));
    }

    /** The queue named {@code name} with an explicit serializer. */
    @SuppressWarnings("unchecked")
    public <T> Queue<T> queue(String name, Serializer<T> serializer) {
        Objects.requireNonNull(serializer, "serializer");
        engine.checkOpen();
        return (Queue<T>) queues.computeIfAbsent(List.of(Identifiers.queueName(name), new Identity(serializer)),
                k -> new Queue<>(engine, name, serializer, keepHistory));
    }

    /** Every queue that has jobs, by name, with its ready and scheduled counts. */
    public List<QueueInfo> queues() {
        engine.checkOpen();
        return engine.queues();
    }

    /** Creates the table, or upgrades it to the latest schema version. Idempotent. */
    public void migrate() {
        migrate(Migrator.LATEST);
    }

    /**
     * Moves the schema to {@code version}: up or down. 0 removes everything pq created. Safe when
     * several processes migrate at once (they take turns under an advisory lock).
     */
    public void migrate(int version) {
        engine.checkOpen();
        try (Connection c = engine.acquire()) {
            new Migrator(engine.sql()).migrate(c, version);
        } catch (SQLException e) {
            throw engine.translate(e, "migrate to version " + version);
        }
    }

    /** The schema version recorded in the database: 0 before {@link #migrate()}. */
    public int schemaVersion() {
        engine.checkOpen();
        try (Connection c = engine.acquire()) {
            return new Migrator(engine.sql()).version(c);
        } catch (SQLException e) {
            throw engine.translate(e, "reading the schema version");
        }
    }

    /**
     * The SQL that moves the table {@code schema.table} from schema version {@code from} to
     * {@code to}, for applying pq's migrations with your own tool (Flyway, Liquibase): each step in
     * order, then the version record pq reads. Nothing is run; {@code pq migrate --print} prints it.
     */
    public static String migrationScript(String schema, String table, int from, int to) {
        return new Migrator(new Sql(schema, table)).script(from, to);
    }

    /** The newest schema version this library can migrate to. */
    public static int latestSchemaVersion() {
        return Migrator.LATEST;
    }

    static {
        Internals.engines(pq -> pq.engine); // for pq-tasks, through dev.pq.internal: not PQ's API
    }

    /** The table's name. */
    public String table() {
        return engine.sql().table;
    }

    /** The table's schema. */
    public String schema() {
        return engine.sql().schema;
    }

    /** True after {@link #close()}. */
    public boolean isClosed() {
        return engine.isClosed();
    }

    /**
     * Stops the listener and wakes every waiting getter (which then throw
     * {@link PQClosedException}); closes the pool if PQ owns one. Idempotent.
     */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "PQ[" + engine.sql().display + (isClosed() ? ", closed]" : "]");
    }

    /** Compares serializers by identity, as cache keys. */
    private record Identity(Serializer<?> serializer) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && other.serializer == serializer;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(serializer);
        }
    }

    /**
     * Settings of a {@link PQ}, validated at {@link #build()}. Exactly one of {@link #url},
     * {@link #dataSource} and {@link #connection} is required.
     *
     * <pre>{@code
     * PQ pq = PQ.builder()
     *     .dataSource(pool)
     *     .schema("jobs").table("queue")
     *     .serializer(Serializers.json())
     *     .defaultTimeout(Duration.ofSeconds(1))
     *     .build();
     * }</pre>
     */
    public static final class Builder {
        private String url;
        private DataSource dataSource;
        private Connection connection;
        private String table = "queue";
        private String schema = "public";
        private Serializer<?> serializer = Serializers.json();
        private Duration defaultTimeout = Duration.ofSeconds(1);
        private Duration pollInterval = Duration.ofSeconds(1);
        private int poolSize = 10;
        private boolean keepHistory;

        private Builder() {
        }

        /** A JDBC URL ({@code jdbc:postgresql://...}, or {@code postgres://user:pw@host:port/db}); PQ owns a pool. */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /** A data source; PQ borrows a connection per operation and does not close it. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /** One connection in auto-commit mode, shared by all threads; PQ does not close it. */
        public Builder connection(Connection connection) {
            this.connection = connection;
            return this;
        }

        /** The table name (default {@code queue}): a letter or _, then letters, digits or _. */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /** The table's schema (default {@code public}); it must exist. */
        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /** The serializer of {@link PQ#queue(String)} (default: JSON to plain values). */
        public Builder serializer(Serializer<?> serializer) {
            this.serializer = serializer;
            return this;
        }

        /** How long {@code get()} waits (default 1 s). */
        public Builder defaultTimeout(Duration defaultTimeout) {
            this.defaultTimeout = defaultTimeout;
            return this;
        }

        /**
         * How often a waiting getter looks again without a notification (default 1 s): the
         * fallback for notifications lost to a dropped listener connection, for jobs released
         * by a session that died, and for the one put that can race a getter's registration as a
         * waiter (puts notify only queues somebody waits on; see the README's design notes).
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * The size of the pool PQ creates for {@link #url} (default 10, at least 2): once a getter
         * waits, one of these connections is the LISTEN connection for as long as the PQ is open.
         * A data source given to {@link #dataSource} needs that spare connection too.
         */
        public Builder poolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        /**
         * Whether a get keeps the job's row as history (default false: it deletes it); each queue
         * can differ, see {@link Queue#keepHistory(boolean)}.
         */
        public Builder keepHistory(boolean keepHistory) {
            this.keepHistory = keepHistory;
            return this;
        }

        /** Validates the settings and creates the PQ. */
        public PQ build() {
            int sources = (url != null ? 1 : 0) + (dataSource != null ? 1 : 0) + (connection != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalArgumentException("exactly one of url, dataSource and connection must be set: "
                        + sources + " set");
            }
            Identifiers.quote("table", table);
            Identifiers.quote("schema", schema);
            Objects.requireNonNull(serializer, "serializer");
            Objects.requireNonNull(defaultTimeout, "defaultTimeout");
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (defaultTimeout.isNegative()) {
                throw new IllegalArgumentException("defaultTimeout must be >= 0: " + defaultTimeout);
            }
            if (pollInterval.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("pollInterval must be >= 10ms: " + pollInterval);
            }
            if (poolSize < 1) {
                throw new IllegalArgumentException("poolSize must be >= 1: " + poolSize);
            }
            if (connection != null) {
                try {
                    if (!connection.getAutoCommit()) {
                        throw new IllegalArgumentException("the shared connection must be in auto-commit mode");
                    }
                } catch (SQLException e) {
                    throw new PQException("cannot use the given connection: " + e.getMessage(), e);
                }
                return new PQ(this, ConnectionSource.of(connection), null, "connection");
            }
            if (dataSource != null) {
                return new PQ(this, ConnectionSource.of(dataSource), null, dataSource.getClass().getSimpleName());
            }
            String jdbc = jdbcUrl(url);
            HikariDataSource pool = pool(jdbc, poolSize);
            try {
                return new PQ(this, ConnectionSource.of(pool, jdbc), pool, maskPassword(pool.getJdbcUrl()));
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }

        private static HikariDataSource pool(String url, int size) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setMaximumPoolSize(size);
            config.setPoolName("pq");
            config.setAutoCommit(true);
            try {
                return new HikariDataSource(config);
            } catch (RuntimeException e) {
                throw new PQException("cannot connect to " + maskPassword(url) + ": " + e.getMessage(), e);
            }
        }
    }

    /** Accepts {@code jdbc:postgresql:} URLs and libpq-style {@code postgres(ql)://} URLs. */
    static String jdbcUrl(String url) {
        Objects.requireNonNull(url, "url");
        if (url.startsWith("jdbc:postgresql:")) {
            return url;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("postgres(?:ql)?://(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]*)(/[^?]*)?(?:\\?(.*))?")
                .matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a PostgreSQL URL (expected jdbc:postgresql://host/db or "
                    + "postgres://user@host/db): " + maskPassword(url));
        }
        StringBuilder s = new StringBuilder("jdbc:postgresql://").append(m.group(3).isEmpty() ? "localhost" : m.group(3))
                .append(m.group(4) == null ? "/" : m.group(4));
        String sep = "?";
        if (m.group(5) != null && !m.group(5).isEmpty()) {
            s.append(sep).append(m.group(5));
            sep = "&";
        }
        if (m.group(1) != null && !m.group(1).isEmpty()) {
            s.append(sep).append("user=").append(m.group(1));
            sep = "&";
        }
        if (m.group(2) != null) {
            s.append(sep).append("password=").append(m.group(2));
        }
        return s.toString();
    }

    static String maskPassword(String url) {
        return url == null ? null : url.replaceAll("(password=)[^&]*", "$1***").replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@");
    }
}
