package dev.pq.spring;

import dev.pq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.springframework.test.context.DynamicPropertyRegistry;

/** A fresh schema with the shop's tables, and the properties that point the application at it. */
final class ShopDatabase {
    final String schema;

    private ShopDatabase(String schema) {
        this.schema = schema;
    }

    static ShopDatabase create() {
        String schema = TestDatabase.newSchema();
        TestDatabase.execute("CREATE TABLE " + schema + ".orders (id bigint PRIMARY KEY, item text NOT NULL);"
                + "CREATE TABLE " + schema + ".emails (order_id bigint NOT NULL, kind text NOT NULL)");
        return new ShopDatabase(schema);
    }

    void register(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> TestDatabase.url("currentSchema=" + schema));
        registry.add("pq.schema", () -> schema);
        registry.add("pq.worker.poll-interval", () -> "200ms");
        registry.add("pq.worker.wait-period", () -> "5s");
    }

    /** One long from a query on a connection of its own (outside any Spring transaction). */
    long count(String sql, Object... args) {
        try (Connection c = TestDatabase.connect(); PreparedStatement ps = c.prepareStatement(sql.replace("{s}", schema))) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
