package dev.pq.spring;

import dev.pq.testing.ApiContract;
import java.util.List;

/** pq-spring-boot-starter's public API is {@code api/pq-spring-boot-starter.api}, and names no internal type. */
class ApiTest extends ApiContract {
    @Override
    protected String module() {
        return "pq-spring-boot-starter";
    }

    @Override
    protected List<String> packages() {
        return List.of("dev.pq.spring");
    }
}
