package dev.pq;

/**
 * Root of every exception pq throws. Unchecked: a job queue failure is rarely something the
 * immediate caller can recover from, and {@link java.sql.SQLException}s are translated at the one
 * database boundary with the original kept as the cause.
 *
 * <pre>{@code
 * try {
 *     queue.put(order);
 * } catch (PQException e) {
 *     log.error("could not enqueue", e);
 * }
 * }</pre>
 */
public class PQException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public PQException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the cause it translates. */
    public PQException(String message, Throwable cause) {
        super(message, cause);
    }
}
