package dev.pq.tasks;

import dev.pq.testing.ApiContract;
import java.util.List;

/** pq-tasks's public API is {@code api/pq-tasks.api}, and names no internal type. */
class ApiTest extends ApiContract {
    @Override
    protected String module() {
        return "pq-tasks";
    }

    @Override
    protected List<String> packages() {
        return List.of("dev.pq.tasks", "dev.pq.tasks.spi");
    }
}
