package dev.pq.examples;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;

/**
 * The database an example runs against: {@code PQ_DATABASE_URL} when set, else an embedded
 * PostgreSQL started for the run and stopped by {@link #close()}.
 */
public final class ExampleDatabase implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final String url;

    private ExampleDatabase(EmbeddedPostgres embedded, String url) {
        this.embedded = embedded;
        this.url = url;
    }

    /** Opens the database the environment names, or starts an embedded one. */
    public static ExampleDatabase open() throws IOException {
        String env = System.getenv("PQ_DATABASE_URL");
        if (env != null && !env.isBlank()) {
            return new ExampleDatabase(null, env);
        }
        System.out.println("PQ_DATABASE_URL is not set: starting an embedded PostgreSQL");
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        return new ExampleDatabase(pg, pg.getJdbcUrl("postgres", "postgres"));
    }

    /** The JDBC URL. */
    public String url() {
        return url;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }
}
