package dev.pq.cli;

import dev.pq.PQ;
import dev.pq.tasks.Admin;
import dev.pq.tasks.FailedJob;
import dev.pq.tasks.Tasks;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pq failed list|retry|delete}: jobs in the failed state (retries used up; Que: expired). */
@Command(name = "failed", mixinStandardHelpOptions = true,
        description = "Lists, retries or deletes failed jobs: jobs that used up their retries.",
        subcommands = {FailedCommand.ListCommand.class, FailedCommand.RetryCommand.class,
                FailedCommand.DeleteCommand.class})
final class FailedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: give one of list, retry, delete");
    }

    /** Options every failed subcommand shares. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions db;

        @Override
        public final Integer call() {
            Logging.configure(PqCommand.logLevel(spec, "warn"));
            check();
            try (PQ pq = db.open(2)) {
                return run(Tasks.create(pq).admin(), spec.commandLine().getOut(), spec.commandLine().getErr());
            }
        }

        void check() {
        }

        abstract int run(Admin admin, PrintWriter out, PrintWriter err);

        ParameterException usage(String message) {
            return new ParameterException(spec.commandLine(), message);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Lists failed jobs, oldest failure first: id, queue, task, errors, failed at (UTC), "
                    + "last error (abbreviated).")
    static final class ListCommand extends Base {
        @Option(names = {"-q", "--queue"}, paramLabel = "QUEUE", description = "Only this queue (default: all).")
        String queue;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                description = "At most N jobs (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--offset", paramLabel = "N", defaultValue = "0",
                description = "Skip the first N jobs (default: ${DEFAULT-VALUE}).")
        int offset;

        @Option(names = "--cancelled", description = "List the cancelled jobs instead (pq cancel); their "
                + "retry and delete take the same IDs.")
        boolean cancelled;

        @Option(names = "--width", paramLabel = "N", defaultValue = "60",
                description = "Cut the last error message to N characters (default: ${DEFAULT-VALUE}).")
        int width;

        @Override
        void check() {
            if (limit < 1) {
                throw usage("Invalid value for option '--limit': '" + limit + "': must be at least 1");
            }
            if (offset < 0) {
                throw usage("Invalid value for option '--offset': '" + offset + "': must be at least 0");
            }
            if (width < 10) {
                throw usage("Invalid value for option '--width': '" + width + "': must be at least 10");
            }
        }

        @Override
        int run(Admin admin, PrintWriter out, PrintWriter err) {
            List<FailedJob> jobs = cancelled ? admin.cancelled(queue, limit, offset) : admin.failed(queue, limit, offset);
            String kind = cancelled ? "cancelled" : "failed";
            if (jobs.isEmpty()) {
                out.println("no " + kind + " jobs" + (queue == null ? "" : " in queue " + queue));
                return 0;
            }
            Table t = cancelled ? new Table("id", "queue", "task", "errors", "cancelled at", "reason")
                    : new Table("id", "queue", "task", "errors", "failed at", "last error");
            for (FailedJob j : jobs) {
                t.row(j.id(), j.queue(), j.task(), j.errorCount(), j.failedAt(),
                        Table.abbreviate(j.lastErrorMessage(), width));
            }
            t.print(out);
            out.println(jobs.size() + " " + kind + " jobs shown" + (jobs.size() == limit ? " (more with --offset "
                    + (offset + limit) + ")" : ""));
            return 0;
        }
    }

    /** {@code retry} and {@code delete}: one id, or {@code --all} with an optional queue. */
    abstract static class OneOrAll extends Base {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The failed job's id.")
        Long id;

        @Option(names = "--all", description = "Every failed job (of --queue, if given).")
        boolean all;

        @Option(names = {"-q", "--queue"}, paramLabel = "QUEUE", description = "With --all: only this queue.")
        String queue;

        @Override
        void check() {
            if (id == null && !all) {
                throw usage("Missing job: give a failed job's ID, or --all");
            }
            if (id != null && all) {
                throw usage("Give either an ID or --all, not both");
            }
            if (queue != null && !all) {
                throw usage("--queue goes with --all (a job ID names one job already)");
            }
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Makes failed jobs ready again, with their error counts reset.")
    static final class RetryCommand extends OneOrAll {
        @Override
        int run(Admin admin, PrintWriter out, PrintWriter err) {
            if (all) {
                long n = admin.retryAllFailed(queue);
                out.println("retried " + n + " failed jobs" + (queue == null ? "" : " of queue " + queue));
                return 0;
            }
            if (!admin.retryFailed(id)) {
                err.println(spec.qualifiedName() + ": error: job " + id + " is not a failed job");
                return 1;
            }
            out.println("retried job " + id);
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Deletes failed jobs for good.")
    static final class DeleteCommand extends OneOrAll {
        @Override
        int run(Admin admin, PrintWriter out, PrintWriter err) {
            if (all) {
                long n = admin.deleteAllFailed(queue);
                out.println("deleted " + n + " failed jobs" + (queue == null ? "" : " of queue " + queue));
                return 0;
            }
            if (!admin.deleteFailed(id)) {
                err.println(spec.qualifiedName() + ": error: job " + id + " is not a failed job");
                return 1;
            }
            out.println("deleted job " + id);
            return 0;
        }
    }
}
