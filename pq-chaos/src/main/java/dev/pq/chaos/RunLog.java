package dev.pq.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process's own writes to the ledger, on auto-commit connections of its own (application
 * name {@code chaos-ledger}), never on the job's transaction: a run is recorded even when the job
 * then rolls back. A broken connection is replaced and the write retried a few times quickly; if
 * the database stays unreachable the write throws, and a job whose run could not even be
 * recorded fails (pq retries it: it did nothing).
 */
final class RunLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunLog.class);
    private static final long[] RETRY_MS = {0, 25, 100, 250};

    private final String url;
    private final String label;
    private final long pid = ProcessHandle.current().pid();
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

    RunLog(String url, String label) {
        this.url = url;
        this.label = label;
    }

    String label() {
        return label;
    }

    long pid() {
        return pid;
    }

    /** Records the start of a run of job {@code n} (on this thread, after {@code errors} failed runs). */
    void run(long n, long jobId, int errors) throws SQLException {
        write(LedgerSql.INSERT_RUN, n, jobId, pid, label, Thread.currentThread().getName(), errors);
    }

    /** Records that this process's worker has started. */
    void ready() throws SQLException {
        write(LedgerSql.INSERT_PROCESS, label, pid);
    }

    /** Records a heap sample (bytes in use after a full GC). */
    void heap(long usedBytes) throws SQLException {
        write(LedgerSql.INSERT_HEAP, label, pid, usedBytes);
    }

    private void write(String sql, Object... args) throws SQLException {
        SQLException last = null;
        for (long wait : RETRY_MS) {
            Sleeps.millis(wait);
            Connection c = idle.poll();
            try {
                if (c == null) {
                    c = DriverManager.getConnection(url);
                }
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < args.length; i++) {
                        ps.setObject(i + 1, args[i]);
                    }
                    ps.executeUpdate();
                }
                idle.push(c);
                return;
            } catch (SQLException e) {
                last = e;
                closeQuietly(c);
                log.debug("ledger write failed, retrying: {}", e.toString());
            }
        }
        log.warn("ledger unreachable after {} tries: {}", RETRY_MS.length, last.toString());
        throw last;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // broken already
            }
        }
    }

    @Override
    public void close() {
        for (Connection c; (c = idle.poll()) != null; ) {
            closeQuietly(c);
        }
    }
}
