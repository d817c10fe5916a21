package dev.pq.scheduler.internal;

import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.Task;
import java.sql.PreparedStatement;

/**
 * que-scheduler's audit clear-down: keeps the newest N scheduler runs (default 1,000) and the
 * jobs they enqueued, deleting the rest. Schedulable like any task:
 * {@code clear_audit: {cron: "@daily", task: pq.scheduler.clear_audit, args: [10000]}}.
 */
@Task(name = ClearAuditJob.TASK, queue = SchedulerSql.QUEUE)
public final class ClearAuditJob implements JobHandler<Integer> {
    public static final String TASK = "pq.scheduler.clear_audit";
    static final int DEFAULT_RETAIN = 1_000;

    private final SchedulerSql sql;

    public ClearAuditJob(SchedulerSql sql) {
        this.sql = sql;
    }

    @Override
    public void run(Integer retain, JobContext job) throws Exception {
        int keep = retain == null ? DEFAULT_RETAIN : retain;
        if (keep < 0) {
            throw new IllegalArgumentException("the number of scheduler runs to keep must be >= 0: " + keep);
        }
        try (PreparedStatement ps = job.connection().prepareStatement(sql.clearAudit)) {
            ps.setInt(1, keep);
            ps.executeUpdate();
        }
    }
}
