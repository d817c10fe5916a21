package dev.pq.micrometer;

import dev.pq.testing.ApiContract;
import java.util.List;

/** pq-micrometer's public API is {@code api/pq-micrometer.api}, and names no internal type. */
class ApiTest extends ApiContract {
    @Override
    protected String module() {
        return "pq-micrometer";
    }

    @Override
    protected List<String> packages() {
        return List.of("dev.pq.micrometer");
    }
}
