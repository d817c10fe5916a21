package dev.pq.examples.spring;

import dev.pq.spring.TaskClient;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Places orders: the order row, its email job and the stock update commit or roll back together. */
@Service
public class Orders {
    private final JdbcTemplate jdbc;
    private final Emails emails;

    public Orders(JdbcTemplate jdbc, @TaskClient Emails emails) {
        this.jdbc = jdbc;
        this.emails = emails;
    }

    /**
     * Writes the order, enqueues its confirmation email, then takes the units from stock. When
     * the stock is short the exception rolls everything back: no order, and no email job either.
     */
    @Transactional
    public long place(String item, int quantity) {
        Long id = jdbc.queryForObject("INSERT INTO orders(item, quantity) VALUES (?, ?) RETURNING id",
                Long.class, item, quantity);
        emails.confirmation(id); // a job row written in this transaction
        int taken = jdbc.update("UPDATE stock SET units = units - ? WHERE item = ? AND units >= ?", quantity, item, quantity);
        if (taken == 0) {
            throw new OutOfStockException(item, quantity);
        }
        return id;
    }

    /** The order with whether its email was sent, or empty. */
    @Transactional(readOnly = true)
    public Optional<Map<String, Object>> find(long id) {
        return jdbc.queryForList("SELECT o.id, o.item, o.quantity, EXISTS (SELECT 1 FROM emails e WHERE e.order_id = o.id) "
                + "AS \"emailSent\" FROM orders o WHERE o.id = ?", id).stream().findFirst();
    }
}
