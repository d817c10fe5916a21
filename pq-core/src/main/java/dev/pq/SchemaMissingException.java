package dev.pq;

/**
 * The queue table (or one of its columns) is not in the database: {@link PQ#migrate()} has not
 * been run, or the database was migrated to an older version than this library needs.
 *
 * <pre>{@code
 * try (PQ pq = PQ.connect(url)) {
 *     pq.migrate();               // do this once, at deploy time or start-up
 *     pq.queue("apples").put("Cox");
 * }
 * }</pre>
 */
public class SchemaMissingException extends PQException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception for the qualified table name that was missing. */
    public SchemaMissingException(String table, Throwable cause) {
        super("the pq table " + table + " (or a column of it) does not exist in this database: "
                + "run pq.migrate() (or `pq migrate`) before using queues", cause);
    }
}
