package dev.pq;

/**
 * An operation was called on a {@link PQ} (or one of its queues or transactions) after
 * {@link PQ#close()}. Nothing was written.
 *
 * <pre>{@code
 * pq.close();
 * pq.queue("apples").put("Cox");   // throws PQClosedException
 * }</pre>
 */
public class PQClosedException extends PQException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception naming the closed PQ. */
    public PQClosedException(String what) {
        super(what + " is closed: create a new PQ to use the queue table again");
    }
}
