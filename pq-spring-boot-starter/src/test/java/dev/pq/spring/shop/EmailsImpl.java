package dev.pq.spring.shop;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Runs in the worker: records the email (no Spring transaction here: auto-commit). */
@Component
public class EmailsImpl implements Emails {
    private final JdbcTemplate jdbc;

    public EmailsImpl(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void confirm(long orderId) {
        jdbc.update("insert into emails(order_id, kind) values (?, 'confirmation')", orderId);
        Sent.RAN.add("email:" + orderId);
    }
}
