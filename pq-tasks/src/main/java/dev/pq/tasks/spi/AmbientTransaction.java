package dev.pq.tasks.spi;

import java.sql.Connection;

/**
 * The caller's current transaction, when the application manages transactions itself (Spring's
 * {@code @Transactional}, a JTA container): an enqueue given no connection of its own
 * ({@code Enqueue.in}) writes its job on this transaction's connection, so the job commits and
 * rolls back with it. Without a current transaction pq enqueues as always, on a connection of its
 * own in auto-commit mode.
 *
 * <pre>{@code
 * Tasks tasks = Tasks.builder(pq)
 *         .ambientTransaction(new AmbientTransaction() {
 *             public Connection current() { return myTransactions.connectionOrNull(); }
 *         })
 *         .build();
 * }</pre>
 *
 * <p>pq only runs statements on the connection it is given (and, for a unique key, a savepoint
 * it releases or rolls back to): never {@code commit}, {@code rollback} or
 * {@code setAutoCommit}, and it does not close it. Only enqueues ask: workers, their locker,
 * listener and job connections, and the admin never use the ambient transaction.
 */
public interface AmbientTransaction {
    /** No ambient transaction: every enqueue without a connection uses pq's own. */
    AmbientTransaction NONE = () -> null;

    /** The connection of the calling thread's current transaction, or null when it has none. */
    Connection current();

    /** Called once the enqueue is done with a connection {@link #current()} returned. */
    default void release(Connection connection) {
    }
}
