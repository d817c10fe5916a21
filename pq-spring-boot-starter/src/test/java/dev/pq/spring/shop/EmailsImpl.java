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

    @Override
    public void held(long orderId) {
        Sent.RAN.add("held-start:" + orderId);
        try {
            if (!Sent.gate.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("the gate was never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Sent.RAN.add("held-interrupted:" + orderId);
            return;
        }
        jdbc.update("insert into emails(order_id, kind) values (?, 'held')", orderId);
        Sent.RAN.add("held-done:" + orderId);
    }
}
