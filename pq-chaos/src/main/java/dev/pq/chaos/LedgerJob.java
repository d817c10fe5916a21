package dev.pq.chaos;

import dev.pq.tasks.Backoff;
import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.Task;
import java.sql.PreparedStatement;

/**
 * The one job of the chaos suite. It records its run at its start on the worker's own ledger
 * connection ({@link RunLog}: survives the job's rollback), sleeps as the producer chose, and
 * writes its effect through {@link JobContext#connection()}, so the effect commits exactly when
 * the job's completion does. Counting both per job number {@code n} tells executions from
 * committed effects.
 *
 * <p>Retries: a fixed 1 s, up to 25 times. Que's default backoff (4 s, 19 s, 84 s, ...) would make
 * the drain after every fault take minutes without telling anything more; 25 retries outlast
 * every fault of the suite, so a job marked failed means the faults consumed its retries.
 *
 * <pre>{@code
 * tasks.register(new LedgerJob(new RunLog(ledgerUrl, "w1")));
 * tasks.enqueue(LedgerJob.class, new LedgerJob.Args(n, 0), Enqueue.options().in(connection));
 * }</pre>
 */
@Task(name = "chaos.ledger", queue = LedgerJob.QUEUE, maxRetries = 25, backoff = Backoff.FIXED, retryIn = "1s")
public final class LedgerJob implements JobHandler<LedgerJob.Args> {
    /** The queue every chaos job is put on. */
    public static final String QUEUE = "chaos";

    /**
     * A job's arguments.
     *
     * @param n       the job's number in the ledger (unique per scenario)
     * @param sleepMs how long the job works, in ms
     */
    public record Args(long n, int sleepMs) {
        public Args {
            if (n < 1 || sleepMs < 0) {
                throw new IllegalArgumentException("n must be >= 1 and sleepMs >= 0: " + n + ", " + sleepMs);
            }
        }
    }

    private final RunLog runs;

    LedgerJob(RunLog runs) {
        this.runs = runs;
    }

    @Override
    public void run(Args args, JobContext job) throws Exception {
        runs.run(args.n(), job.id(), job.errorCount());
        if (args.sleepMs() > 0) {
            Thread.sleep(args.sleepMs());
        }
        try (PreparedStatement ps = job.connection().prepareStatement(LedgerSql.INSERT_EFFECT)) {
            ps.setLong(1, args.n());
            ps.setLong(2, job.id());
            ps.setLong(3, runs.pid());
            ps.setString(4, runs.label());
            ps.setString(5, Thread.currentThread().getName());
            ps.executeUpdate();
        }
    }
}
