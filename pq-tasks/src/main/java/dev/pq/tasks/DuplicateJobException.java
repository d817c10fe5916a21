package dev.pq.tasks;

import dev.pq.PQException;

/**
 * An enqueue with {@link Unique.OnDuplicate#RAISE} found its unique key held by another job. Nothing
 * was added; in a caller's transaction the transaction is still usable.
 *
 * <pre>{@code
 * try {
 *     tasks.enqueue(SendInvoice.class, invoice, Enqueue.options().uniqueKey("invoice:42").onDuplicate(RAISE));
 * } catch (DuplicateJobException e) {
 *     log.info("invoice 42 is already queued as job {}", e.existingId());
 * }
 * }</pre>
 */
public class DuplicateJobException extends PQException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final long existingId;

    /** Creates the exception for a key held by job {@code existingId}. */
    public DuplicateJobException(String key, long existingId) {
        super("unique key \"" + key + "\" is held by job " + existingId
                + ": nothing was enqueued (use onDuplicate(RETURN_EXISTING) to get that job's id instead)");
        this.key = key;
        this.existingId = existingId;
    }

    /** The unique key. */
    public String key() {
        return key;
    }

    /** The id of the job holding it. */
    public long existingId() {
        return existingId;
    }
}
