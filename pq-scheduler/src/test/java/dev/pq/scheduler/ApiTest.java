package dev.pq.scheduler;

import dev.pq.testing.ApiContract;
import java.util.List;

/** pq-scheduler's public API is {@code api/pq-scheduler.api}, and names no internal type. */
class ApiTest extends ApiContract {
    @Override
    protected String module() {
        return "pq-scheduler";
    }

    @Override
    protected List<String> packages() {
        return List.of("dev.pq.scheduler", "dev.pq.scheduler.spi");
    }
}
