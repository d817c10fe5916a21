package dev.pq.testing;

import dev.pq.PQ;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of tests that need a migrated queue table: each test gets a schema of its own, a
 * {@link PQ} over a small pool on it ({@link #pq}), and the schema is dropped afterwards.
 */
public abstract class PgTest {
    /** The test's schema. */
    protected String schema;
    /** A migrated PQ on the test's schema. */
    protected PQ pq;

    @BeforeEach
    void createSchema() {
        schema = TestDatabase.newSchema();
        pq = builder().build();
        pq.migrate();
    }

    /** A builder on the test database and schema, for tests that want other settings. */
    protected PQ.Builder builder() {
        return PQ.builder().url(TestDatabase.url()).schema(schema).poolSize(20)
                .defaultTimeout(Duration.ofSeconds(1));
    }

    @AfterEach
    void dropSchema() {
        if (pq != null) {
            pq.close();
        }
        TestDatabase.dropSchema(schema);
    }
}
