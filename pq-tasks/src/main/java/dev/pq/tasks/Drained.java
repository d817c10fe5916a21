package dev.pq.tasks;

/**
 * What one {@link Drain#run()} did: how many runs, and how each ended.
 *
 * <pre>{@code
 * Drained d = Drain.builder(tasks).queues("mail").build().run();
 * assert d.ran() == d.succeeded() + d.retried() + d.failed();
 * }</pre>
 *
 * @param ran       jobs run (a job retried with no delay and run again counts once per run)
 * @param succeeded runs that completed their job (destroyed, or finished and kept)
 * @param retried   runs after which the job is pending again: it failed with retries left (its error
 *                  count and backoff recorded as a worker records them), or its handler asked for a retry
 * @param failed    runs after which the job is failed (retries used up, or failed by its handler) or cancelled
 */
public record Drained(int ran, int succeeded, int retried, int failed) {
    public Drained {
        if (ran < 0 || succeeded < 0 || retried < 0 || failed < 0) {
            throw new IllegalArgumentException("counts must be >= 0: ran=" + ran + " succeeded=" + succeeded
                    + " retried=" + retried + " failed=" + failed);
        }
    }
}
