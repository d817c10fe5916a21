package dev.pq.cli;

import dev.pq.PQ;
import dev.pq.tasks.Admin;
import dev.pq.tasks.JobState;
import dev.pq.tasks.JobStats;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.WorkerInfo;
import dev.pq.tasks.PausedQueue;
import dev.pq.tasks.StatsBucket;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pq stats}: pending jobs per queue and task, live workers, the jobs they work, counters. */
@Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Shows pending jobs per queue and task (count, working, errored, highest error count, "
                + "oldest run at), the live workers and the jobs they work now, and the processed/failed counters. "
                + "Times are UTC.")
final class StatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions db;

    @Override
    public Integer call() {
        Logging.configure(PqCommand.logLevel(spec, "warn"));
        PrintWriter out = spec.commandLine().getOut();
        try (PQ pq = db.open(2)) {
            Admin admin = Tasks.create(pq).admin();
            List<JobStats> stats = admin.jobStats();
            List<WorkerInfo> workers = admin.workers();
            Admin.Counters counters = admin.counters();

            out.println("Jobs (" + pq.schema() + "." + pq.table() + ")");
            Table jobs = new Table("queue", "task", "count", "working", "errored", "highest errors", "oldest run at");
            long total = 0;
            for (JobStats s : stats) {
                jobs.row(s.queue(), s.task().isEmpty() ? "(none)" : s.task(), s.count(), s.working(), s.errored(),
                        s.highestErrorCount(), s.oldestRunAt());
                total += s.count();
            }
            if (jobs.isEmpty()) {
                out.println("  no pending jobs");
            } else {
                jobs.print(out);
                out.println(total + " pending jobs");
            }

            out.println();
            out.println("Workers");
            Table ws = new Table("worker", "host", "pid", "queues", "threads", "working", "processed", "failed",
                    "started at", "heartbeat at");
            Table working = new Table("job", "queue", "task", "worker", "thread", "since");
            for (WorkerInfo w : workers) {
                ws.row(w.id(), w.host(), w.pid(), String.join(",", w.queues()), w.workerCount(), w.jobs().size(),
                        w.processed(), w.failed(), w.startedAt(), w.heartbeatAt());
                for (JobState j : w.jobs()) {
                    working.row(j.id(), j.queue(), j.task(), j.workerId(), j.thread(), j.since());
                }
            }
            if (ws.isEmpty()) {
                out.println("  no live workers");
            } else {
                ws.print(out);
            }
            if (!working.isEmpty()) {
                out.println();
                out.println("Working now");
                working.print(out);
            }

            List<PausedQueue> paused = admin.paused();
            if (!paused.isEmpty()) {
                out.println();
                out.println("Paused (pq resume)");
                for (PausedQueue p : paused) {
                    out.println("  " + (p.queue().equals(PausedQueue.ALL) ? "* (every queue)" : p.queue()) + " since "
                            + p.since());
                }
            }

            out.println();
            out.println("Last hour, by queue (percentiles: upper bounds of half-octave bins)");
            Instant now = Instant.now();
            Table hour = new Table("queue", "processed", "failed", "cancelled", "wait p50", "wait p99", "run p50",
                    "run p99");
            for (StatsBucket b : admin.statsByQueue(StatsBucket.Size.MINUTE, now.minus(Duration.ofHours(1)),
                    now.plusSeconds(60))) {
                hour.row(b.queue(), b.processed(), b.failed(), b.cancelled(), ms(b.waitTime().p50()),
                        ms(b.waitTime().p99()), ms(b.runTime().p50()), ms(b.runTime().p99()));
            }
            if (hour.isEmpty()) {
                out.println("  no runs recorded");
            } else {
                hour.print(out);
            }

            out.println();
            out.println("Counters");
            out.println("  processed: " + counters.processed());
            out.println("  failed:    " + counters.failed());
            return 0;
        }
    }

    private static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.2f ms", d.toNanos() / 1e6);
    }
}
