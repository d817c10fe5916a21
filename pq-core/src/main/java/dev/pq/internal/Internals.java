package dev.pq.internal;

import dev.pq.PQ;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the other pq modules reach a {@link PQ}'s engine without it being part of PQ's public API
 * (the "shared secrets" idiom): PQ hands over the accessor when its class initializes. Internal,
 * not API: it may change in any release.
 */
public final class Internals {
    private static volatile Function<PQ, Engine> engines;

    private Internals() {
    }

    /** Called once, by PQ's static initializer. */
    public static void engines(Function<PQ, Engine> accessor) {
        if (engines != null) {
            throw new IllegalStateException("the engine accessor is set already");
        }
        engines = Objects.requireNonNull(accessor, "accessor");
    }

    /** The engine of {@code pq}. */
    public static Engine engine(PQ pq) {
        Objects.requireNonNull(pq, "pq");
        return engines.apply(pq); // the argument is a PQ instance, so PQ's initializer has run
    }
}
