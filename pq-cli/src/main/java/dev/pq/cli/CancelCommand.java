package dev.pq.cli;

import dev.pq.PQ;
import dev.pq.tasks.Admin;
import dev.pq.tasks.Tasks;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pq cancel ID}: cancels a waiting job, or interrupts a running one and keeps its worker. */
@Command(name = "cancel", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Cancels a job: a waiting one will not run; a running one is interrupted by its worker, which "
                + "keeps working, and nothing of the run commits. Cancelled jobs are kept: pq failed list --cancelled.")
final class CancelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions db;

    @Parameters(index = "0", paramLabel = "ID", description = "The job's id.")
    long id;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept as the job's last error).")
    String reason;

    @Override
    public Integer call() {
        Logging.configure(PqCommand.logLevel(spec, "warn"));
        PrintWriter out = spec.commandLine().getOut();
        try (PQ pq = db.open(1)) {
            Admin.Cancel done = Tasks.create(pq).admin().cancel(id, reason);
            switch (done) {
                case WAITING -> out.println("cancelled job " + id + ": it will not run");
                case RUNNING -> out.println("cancelled job " + id + ": it was running; its worker was told to "
                        + "interrupt it, and nothing of the run commits");
                case NOT_PENDING -> {
                    spec.commandLine().getErr().println(spec.qualifiedName() + ": error: job " + id + " is not "
                            + "waiting or running (finished, failed, cancelled, deleted, or no such job)");
                    return 1;
                }
            }
            return 0;
        }
    }
}
