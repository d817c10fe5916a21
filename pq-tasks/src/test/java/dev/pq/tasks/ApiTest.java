package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pq.testing.ApiSurface;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The public API of pq-tasks is the committed file {@code api/pq-tasks.api}: a change to the public
 * surface is a visible decision (regenerate with {@code -Dpq.api.update=true}), and no public
 * signature names an internal type.
 */
class ApiTest {
    private static final List<String> PACKAGES = List.of("dev.pq.tasks", "dev.pq.tasks.spi");

    private static String dump() {
        return ApiSurface.dump(ApiSurface.types(Path.of("target/classes"), PACKAGES));
    }

    @Test
    void publicSignatures_nameNoInternalType() {
        assertEquals(List.of(), ApiSurface.leaks(dump()));
    }

    @Test
    void publicApi_isTheCommittedDump() {
        ApiSurface.check(dump(), Path.of("api/pq-tasks.api"));
    }
}
