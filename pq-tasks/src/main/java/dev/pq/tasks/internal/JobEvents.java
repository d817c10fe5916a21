package dev.pq.tasks.internal;

import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The runner's log events about one job, with their facts also as SLF4J key-value pairs (the job's
 * identity under the MDC's keys, {@link JobMdc}), for log pipelines that index them. The messages
 * are the human ones; the logger is the runner's, as before.
 */
final class JobEvents {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private JobEvents() {
    }

    /** A run failed: retried at {@code retryAt}, or (null) marked failed. */
    static void failed(LockedJob job, int errors, Instant retryAt, Throwable error) {
        if (!log.isWarnEnabled()) {
            return;
        }
        job(log.atWarn().addKeyValue("event", "job.failed"), job, errors, retryAt, error)
                .setMessage("job failed: id={} queue={} task={} errorCount={} {}: {}")
                .addArgument(job.id()).addArgument(job.queue()).addArgument(job.task()).addArgument(errors)
                .addArgument(retryAt != null ? "retry at " + retryAt : "marked failed").addArgument(error.toString())
                .log();
    }

    /** A job whose task no task registered here knows: retried ({@code retryAt}) so a newer worker may run it, or failed. */
    static void unknownTask(LockedJob job, int errors, Instant retryAt, Throwable error, Set<String> known, int retries) {
        if (!log.isWarnEnabled()) {
            return;
        }
        job(log.atWarn().addKeyValue("event", "job.failed"), job, errors, retryAt, error)
                .addKeyValue("unknownTask", true)
                .setMessage("job {} of queue {} has task {} which no task registered in this worker knows (known: {}); {}")
                .addArgument(job.id()).addArgument(job.queue()).addArgument(job.task()).addArgument(known)
                .addArgument(retryAt != null ? "retry " + errors + " of " + retries + " at " + retryAt
                        + " (a newer worker may know it)" : "marked failed")
                .log();
    }

    /** Shutdown gave up on a run that ignored its interrupt. */
    static void abandoned(LockedJob job) {
        log.atError().addKeyValue("event", "job.abandoned")
                .setMessage("job {} ({}) did not stop: abandoning it (its lock is released, it will run again)")
                .addArgument(job.id()).addArgument(job.task())
                .addKeyValue(JobMdc.JOB_ID, job.id()).addKeyValue(JobMdc.QUEUE, job.queue())
                .addKeyValue(JobMdc.TASK, job.task())
                .log();
    }

    private static LoggingEventBuilder job(LoggingEventBuilder b, LockedJob job, int errors, Instant retryAt,
                                           Throwable error) {
        b.addKeyValue(JobMdc.JOB_ID, job.id()).addKeyValue(JobMdc.QUEUE, job.queue()).addKeyValue(JobMdc.TASK, job.task())
                .addKeyValue("errorCount", errors).addKeyValue("willRetry", retryAt != null);
        if (retryAt != null) {
            b.addKeyValue("nextRunAt", retryAt);
        }
        return b.addKeyValue("error", error.toString());
    }
}
