package dev.pq.tasks.internal;

import dev.pq.tasks.Unique;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A task's uniqueness as its {@link Unique} annotation says: which arguments make the key, how
 * long a job holds it, and what a duplicate enqueue does.
 *
 * @param by          the selected arguments (positions in a method's stored arguments, or property
 *                    names of a job class's argument object); empty for all
 * @param scope       how long a job holds its key
 * @param period      the period of {@link Unique.Scope#PERIOD}, else null
 * @param onDuplicate what an enqueue of a held key does
 */
public record UniqueSpec(List<Object> by, Unique.Scope scope, Duration period, Unique.OnDuplicate onDuplicate) {
    public UniqueSpec {
        by = List.copyOf(by);
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(onDuplicate, "onDuplicate");
        if ((scope == Unique.Scope.PERIOD) != (period != null)) {
            throw new IllegalArgumentException("a period scope, and only it, has a period");
        }
    }

    /** The database's code of a scope: 1 while waiting, 2 while waiting or running, 3 for a period. */
    public static int code(Unique.Scope scope) {
        return switch (scope) {
            case WAITING -> 1;
            case WAITING_OR_RUNNING -> 2;
            case PERIOD -> 3;
        };
    }
}
