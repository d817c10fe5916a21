package dev.pq.tasks;

import java.time.Duration;
import java.util.Objects;

/**
 * What one prune ({@link Admin#prune}, or a worker's pruner run) deleted.
 *
 * <pre>{@code
 * Pruned p = tasks.admin().prune(Retention.defaults());
 * if (!p.ran()) { ... another process was pruning: nothing was done }
 * log.info("pruned {} rows in {}", p.total(), p.took());
 * }</pre>
 *
 * @param ran       false if another process was pruning the table at that moment (it holds the
 *                  pruning advisory lock), so this one did nothing
 * @param finished  finished jobs deleted
 * @param failed    failed jobs deleted
 * @param cancelled cancelled jobs deleted
 * @param claims    expired unique-period claims deleted
 * @param took      how long the prune took
 */
public record Pruned(boolean ran, long finished, long failed, long cancelled, long claims, Duration took) {
    public Pruned {
        if (finished < 0 || failed < 0 || cancelled < 0 || claims < 0) {
            throw new IllegalArgumentException("counts must be >= 0: " + finished + ", " + failed + ", " + cancelled
                    + ", " + claims);
        }
        Objects.requireNonNull(took, "took");
    }

    /** Jobs deleted, of every kind (claims not counted). */
    public long jobs() {
        return finished + failed + cancelled;
    }

    /** Rows deleted: jobs and claims. */
    public long total() {
        return jobs() + claims;
    }
}
