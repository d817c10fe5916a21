package dev.pq.web;

import dev.pq.testing.ApiContract;
import java.util.List;

/** pq-web's public API is {@code api/pq-web.api}, and names no internal type. */
class ApiTest extends ApiContract {
    @Override
    protected String module() {
        return "pq-web";
    }

    @Override
    protected List<String> packages() {
        return List.of("dev.pq.web");
    }
}
