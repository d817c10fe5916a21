package dev.pq.spring.shop;

import dev.pq.spring.TaskClient;
import dev.pq.tasks.Tasks;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Places an order and enqueues its email and receipt, all in one Spring transaction. */
@Service
public class Orders {
    private final JdbcTemplate jdbc;
    private final Emails emails;
    private final Tasks tasks;
    private final AtomicLong lastEmailJob = new AtomicLong();
    private final AtomicLong lastReceiptJob = new AtomicLong();

    public Orders(JdbcTemplate jdbc, @TaskClient Emails emails, Tasks tasks) {
        this.jdbc = jdbc;
        this.emails = emails;
        this.tasks = tasks;
    }

    /** Writes the order, enqueues both jobs, then runs {@code inTransaction} (which may throw). */
    @Transactional
    public void place(long id, String item, Runnable inTransaction) {
        jdbc.update("insert into orders(id, item) values (?, ?)", id, item);
        emails.confirm(id);
        lastEmailJob.set(tasks.lastId());
        lastReceiptJob.set(tasks.enqueue(Receipt.class, id));
        inTransaction.run();
    }

    /** The id of the last email job enqueued (kept when the transaction rolls back). */
    public long lastEmailJob() {
        return lastEmailJob.get();
    }

    /** The id of the last receipt job enqueued. */
    public long lastReceiptJob() {
        return lastReceiptJob.get();
    }
}
