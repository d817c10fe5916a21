package dev.pq.examples.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Runs the email task (a real shop would call its mail service): records it in {@code emails} and logs. */
@Component
public class EmailSender implements Emails {
    private static final Logger log = LoggerFactory.getLogger(EmailSender.class);
    private final JdbcTemplate jdbc;

    public EmailSender(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void orderConfirmation(long orderId, String to) {
        jdbc.update("insert into emails(order_id, recipient) values (?, ?)", orderId, to);
        log.info("sent the confirmation of order {} to {}", orderId, to);
    }
}
