package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads a job that waited in the buffer before its thread runs it (Que's {@code check_job}):
 * a job deleted, finished or rescheduled meanwhile, or whose lock the locker's session no longer
 * holds, is not run. A job handed to a thread within {@link #STALE_NANOS} of the locker's own
 * re-check is run without another round trip; so is every job of a drain whose threads keep up.
 * One statement checks the job and every other buffered job as old, so a backlog costs one round
 * trip per buffer, not per job.
 */
public final class PickupCheck {
    private static final Logger log = LoggerFactory.getLogger(PickupCheck.class);
    /** How old the last read of a job's row may be when its thread takes it. */
    static final long STALE_NANOS = 2_000_000L;

    private final Engine engine;
    private final TasksDb db;
    private final Buffer buffer;
    private final JobLocks locker;

    public PickupCheck(TasksDb db, Buffer buffer, JobLocks locker) {
        this.engine = db.engine();
        this.db = db;
        this.buffer = buffer;
        this.locker = locker;
    }

    /** The job to run (as its row is now), or null if it must not run; its lock is then released. */
    public LockedJob verify(LockedJob job) {
        if (System.nanoTime() - job.checkedAt() < STALE_NANOS) {
            return job;
        }
        Integer pid = locker.backendPid();
        if (pid == null) {
            log.info("job {} ({}) not run: the locker lost its connection and with it the job's lock", job.id(), job.task());
            locker.release(job.id());
            return null;
        }
        List<LockedJob> stale = buffer.stale(STALE_NANOS);
        List<Long> ids = new ArrayList<>(stale.size() + 1);
        ids.add(job.id());
        stale.forEach(j -> ids.add(j.id()));
        Map<Long, TasksDb.Checked> now;
        try (Connection c = engine.acquire()) {
            now = db.check(c, pid, ids);
        } catch (SQLException | RuntimeException e) {
            // Cannot look: run it as before the check existed (its lock, if still held, protects it,
            // and its completion changes only the row version it was read at).
            log.debug("job {}: cannot re-check it before its run ({}); running it", job.id(), e.toString());
            return job;
        }
        List<LockedJob> dropped = buffer.refresh(stale, now);
        boolean lockLost = false;
        for (LockedJob d : dropped) {
            lockLost |= now.containsKey(d.id());
            log.debug("buffered job {} ({}) dropped before its run: {}", d.id(), d.task(),
                    now.containsKey(d.id()) ? "its lock is lost" : "deleted, finished or rescheduled meanwhile");
        }
        if (!dropped.isEmpty()) {
            locker.release(dropped.stream().map(LockedJob::id).toList());
        }
        TasksDb.Checked mine = now.get(job.id());
        if (mine == null || !mine.locked()) {
            locker.release(job.id());
            lockLost |= mine != null;
            log.info("job {} ({}) not run: {}", job.id(), job.task(), mine == null
                    ? "it was deleted, finished or rescheduled while it waited in the buffer"
                    : "the locker's session no longer holds its lock");
        }
        if (lockLost) {
            locker.suspect();
        }
        return mine != null && mine.locked() ? mine.job() : null;
    }
}
