package dev.pq.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API tests every module runs: its public API is the committed file {@code api/<module>.api}
 * (a change to the public surface is a visible decision: regenerate with
 * {@code -Dpq.api.update=true}), and no public signature names an internal type. A module's
 * {@code ApiTest} extends this and names its module and public packages.
 */
public abstract class ApiContract {
    /** The module's artifact id, e.g. {@code pq-core}. */
    protected abstract String module();

    /** The module's public packages. */
    protected abstract List<String> packages();

    private String dump() {
        return ApiSurface.dump(ApiSurface.types(Path.of("target/classes"), packages()));
    }

    @Test
    void publicSignatures_nameNoInternalType() {
        assertEquals(List.of(), ApiSurface.leaks(dump()));
    }

    @Test
    void publicApi_isTheCommittedDump() {
        ApiSurface.check(dump(), Path.of("api/" + module() + ".api"));
    }
}
