package dev.pq.examples.spring;

import dev.pq.spring.TaskClient;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Places orders: the order row and its email job commit together, or neither does. */
@Service
public class OrderService {
    private final JdbcTemplate jdbc;
    private final Emails emails;

    public OrderService(JdbcTemplate jdbc, @TaskClient Emails emails) {
        this.jdbc = jdbc;
        this.emails = emails;
    }

    @Transactional
    public long place(String item, String email) {
        if (item == null || item.isBlank() || email == null || !email.contains("@")) {
            throw new IllegalArgumentException("an order needs an item and an email address");
        }
        Long id = jdbc.queryForObject("insert into orders(item, email) values (?, ?) returning id", Long.class, item, email);
        emails.orderConfirmation(id, email);   // enqueued in this transaction: no order, no email
        if (jdbc.update("update stock set units = units - 1 where item = ? and units > 0", item) == 0) {
            throw new OutOfStockException(item);   // rolls back the order and its email job
        }
        return id;
    }

    /** True once the worker has sent the order's confirmation. */
    public boolean emailSent(long orderId) {
        Long n = jdbc.queryForObject("select count(*) from emails where order_id = ?", Long.class, orderId);
        return n != null && n > 0;
    }
}
