package dev.pq;

import dev.pq.testing.ApiContract;
import java.util.List;

/** pq-core's public API is {@code api/pq-core.api}, and names no internal type. */
class ApiTest extends ApiContract {
    @Override
    protected String module() {
        return "pq-core";
    }

    @Override
    protected List<String> packages() {
        return List.of("dev.pq", "dev.pq.spi");
    }
}
