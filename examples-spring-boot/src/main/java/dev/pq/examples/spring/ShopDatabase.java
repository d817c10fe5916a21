package dev.pq.examples.spring;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shop's database: {@code PQ_DATABASE_URL} (a JDBC or {@code postgres://} URL) when set,
 * else an embedded PostgreSQL started for the run and stopped by {@link #close()}.
 */
final class ShopDatabase implements AutoCloseable {
    private static final Pattern LIBPQ = Pattern.compile("postgres(?:ql)?://(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]*)(/[^?]*)?(?:\\?(.*))?");
    private final EmbeddedPostgres embedded;
    private final String url;

    private ShopDatabase(EmbeddedPostgres embedded, String url) {
        this.embedded = embedded;
        this.url = url;
    }

    static ShopDatabase open() {
        String env = System.getenv("PQ_DATABASE_URL");
        if (env != null && !env.isBlank()) {
            return new ShopDatabase(null, jdbcUrl(env.trim()));
        }
        System.out.println("PQ_DATABASE_URL is not set: starting an embedded PostgreSQL");
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            return new ShopDatabase(pg, pg.getJdbcUrl("postgres", "postgres"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an embedded PostgreSQL", e);
        }
    }

    /** The JDBC URL, for {@code spring.datasource.url}. */
    String url() {
        return url;
    }

    @Override
    public synchronized void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** {@code postgres://user:pw@host:port/db?x=y} as {@code jdbc:postgresql://host:port/db?x=y&user=..&password=..}. */
    static String jdbcUrl(String url) {
        if (url.startsWith("jdbc:")) {
            return url;
        }
        Matcher m = LIBPQ.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("PQ_DATABASE_URL is not a PostgreSQL URL (jdbc:postgresql://host/db or postgres://user@host/db)");
        }
        StringBuilder s = new StringBuilder("jdbc:postgresql://").append(m.group(3).isEmpty() ? "localhost" : m.group(3))
                .append(m.group(4) == null ? "/" : m.group(4));
        char sep = '?';
        if (m.group(5) != null && !m.group(5).isEmpty()) {
            s.append(sep).append(m.group(5));
            sep = '&';
        }
        if (m.group(1) != null && !m.group(1).isEmpty()) {
            s.append(sep).append("user=").append(m.group(1));
            sep = '&';
        }
        if (m.group(2) != null) {
            s.append(sep).append("password=").append(m.group(2));
        }
        return s.toString();
    }
}
