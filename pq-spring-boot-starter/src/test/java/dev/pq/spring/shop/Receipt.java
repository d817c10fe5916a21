package dev.pq.spring.shop;

import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.Task;
import java.sql.PreparedStatement;
import org.springframework.stereotype.Component;

/** A job class bean: writes in the job's own transaction (job.connection()), committed with its completion. */
@Component
@Task(queue = "receipts")
public class Receipt implements JobHandler<Long> {
    @Override
    public void run(Long orderId, JobContext job) throws Exception {
        try (PreparedStatement ps = job.connection().prepareStatement("insert into emails(order_id, kind) values (?, 'receipt')")) {
            ps.setLong(1, orderId);
            ps.executeUpdate();
        }
        Sent.RAN.add("receipt:" + orderId);
    }
}
