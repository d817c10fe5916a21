package dev.pq.cli;

import dev.pq.testing.ApiContract;
import java.util.List;

/** pq-cli's public API is {@code api/pq-cli.api}, and names no internal type. */
class ApiTest extends ApiContract {
    @Override
    protected String module() {
        return "pq-cli";
    }

    @Override
    protected List<String> packages() {
        return List.of("dev.pq.cli");
    }
}
