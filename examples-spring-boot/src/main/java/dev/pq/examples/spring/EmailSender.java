package dev.pq.examples.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Runs in the worker: "sends" the confirmation email (logs it) and records it in {@code emails}.
 * A job may run more than once (a worker killed after the send, before its completion), so the
 * record is written only once per order.
 */
@Component
public class EmailSender implements Emails {
    private static final Logger log = LoggerFactory.getLogger(EmailSender.class);
    private final JdbcTemplate jdbc;

    public EmailSender(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void confirmation(long orderId) {
        int sent = jdbc.update("INSERT INTO emails(order_id) VALUES (?) ON CONFLICT (order_id) DO NOTHING", orderId);
        log.info("confirmation email for order {} {}", orderId, sent == 1 ? "sent" : "was already sent");
    }
}
