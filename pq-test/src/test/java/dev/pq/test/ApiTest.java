package dev.pq.test;

import dev.pq.testing.ApiContract;
import java.util.List;

/** pq-test's public API is {@code api/pq-test.api}, and names no internal type. */
class ApiTest extends ApiContract {
    @Override
    protected String module() {
        return "pq-test";
    }

    @Override
    protected List<String> packages() {
        return List.of("dev.pq.test");
    }
}
