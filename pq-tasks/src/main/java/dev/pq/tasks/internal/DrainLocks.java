package dev.pq.tasks.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The locks of a drain: one dedicated session, used only by the draining thread, which takes one
 * job's session lock at a time and releases it as soon as the job's outcome is recorded. Closing it
 * releases every lock its session still holds and closes it.
 */
final class DrainLocks implements JobLocks, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DrainLocks.class);

    private final TasksDb db;
    private final Connection session;
    private final int pid;

    DrainLocks(TasksDb db) {
        this.db = db;
        this.session = db.engine().dedicated();
        try (Statement st = session.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            this.pid = rs.getInt(1);
        } catch (SQLException e) {
            close();
            throw db.engine().translate(e, "opening the drain's session");
        }
    }

    /** The session the drain locks jobs on. */
    Connection session() {
        return session;
    }

    @Override
    public boolean limited() {
        return false;
    }

    @Override
    public void started(long id) {
    }

    @Override
    public void ended(long id) {
    }

    @Override
    public void release(long id) {
        release(List.of(id));
    }

    @Override
    public void release(List<Long> ids) {
        try {
            db.unlock(session, ids);
        } catch (SQLException e) {
            // the locks end with the session at close(): nothing stays locked past the drain
            log.warn("drain: cannot release the locks of jobs {} now ({}); they are released when the drain ends",
                    ids, e.toString());
        }
    }

    @Override
    public void giveBack(List<LockedJob> jobs) {
        release(jobs.stream().map(LockedJob::id).toList());
    }

    @Override
    public void wake(boolean news) {
    }

    @Override
    public Integer backendPid() {
        return pid;
    }

    @Override
    public void suspect() {
    }

    @Override
    public void close() {
        try (Statement st = session.createStatement()) {
            st.execute("SELECT pg_advisory_unlock_all()"); // a pooled session outlives this drain
        } catch (SQLException e) {
            log.debug("drain: releasing its locks failed: {}", e.toString());
        }
        try {
            session.close();
        } catch (SQLException e) {
            log.debug("drain: closing its session failed: {}", e.toString());
        }
    }
}
