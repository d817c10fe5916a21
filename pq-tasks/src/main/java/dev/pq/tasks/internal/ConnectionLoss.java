package dev.pq.tasks.internal;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells failures of the database connection (a restart of PostgreSQL, a terminated backend, a
 * pool that timed out) from failures of the job: a job whose run failed only because its
 * connection did is returned to the queue without an error counted, as shutdown's interrupt is.
 * A job that loses its connection {@link #LIMIT} times in a row in this process (one that kills
 * its own backend, say) is failed like any other, so it cannot loop for ever.
 */
final class ConnectionLoss {
    /** Consecutive connection losses of one job in this process before they count as its errors. */
    static final int LIMIT = 5;

    private final Map<Long, Integer> strikes = new ConcurrentHashMap<>();

    /** True if {@code t}, or what caused it, is a lost or unobtainable connection. */
    static boolean is(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLTransientConnectionException) {
                return true;
            }
            if (c instanceof SQLException e && e.getSQLState() != null) {
                String s = e.getSQLState();
                // 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now
                if (s.startsWith("08") || s.equals("57P01") || s.equals("57P02") || s.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True if job {@code id}'s failure {@code t} is a connection loss that may still go back without an error. */
    boolean forgive(long id, Throwable t) {
        if (!is(t)) {
            strikes.remove(id);
            return false;
        }
        int n = strikes.merge(id, 1, Integer::sum);
        if (n > LIMIT) {
            strikes.remove(id);
            return false;
        }
        return true;
    }

    /** The job settled otherwise: forget its strikes. */
    void settled(long id) {
        strikes.remove(id);
    }
}
