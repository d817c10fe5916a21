package dev.pq.scheduler.internal;

import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.Task;
import dev.pq.tasks.spi.RetryPolicy;
import java.time.Duration;
import java.util.Map;

/**
 * The scheduler, as a job of the pq table: each run computes what is due, enqueues it, records it,
 * and reschedules itself for the next minute, all in its own transaction ({@link SchedulerRun}).
 * A failed run is retried for ever (1 s, doubling to a minute): the schedule must not stop.
 */
@Task(name = SchedulerSql.TASK, queue = SchedulerSql.QUEUE, priority = 0, timeout = "5m")
public final class SchedulerJob implements JobHandler<Map<String, Object>>, RetryPolicy {
    private static final RetryPolicy FOREVER = RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.1);

    private final SchedulerRun run;

    public SchedulerJob(SchedulerRun run) {
        this.run = run;
    }

    @Override
    public void run(Map<String, Object> args, JobContext job) throws Exception {
        run.run(job);
    }

    @Override
    public Duration next(int errorCount, Throwable error) {
        return FOREVER.next(errorCount, error);
    }
}
