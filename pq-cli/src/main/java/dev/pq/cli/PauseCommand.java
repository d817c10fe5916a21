package dev.pq.cli;

import dev.pq.PQ;
import dev.pq.tasks.Admin;
import dev.pq.tasks.PausedQueue;
import dev.pq.tasks.Tasks;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pq pause} and {@code pq resume} (Resque's pause): queues paused for every worker, kept in
 * the database. Both print the paused queues afterwards; {@code pq pause --list} only prints them.
 */
final class PauseCommand {
    private PauseCommand() {
    }

    /** What both commands share: the database, the queues or --all, and the listing. */
    abstract static class Change implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions db;

        @Parameters(paramLabel = "QUEUE", arity = "0..*", description = "The queues.")
        List<String> queues = new ArrayList<>();

        @Option(names = "--all", description = "Every queue.")
        boolean all;

        @Override
        public final Integer call() {
            Logging.configure(PqCommand.logLevel(spec, "warn"));
            PrintWriter out = spec.commandLine().getOut();
            if (!listOnly() && all == !queues.isEmpty()) {
                throw new ParameterException(spec.commandLine(), all ? "Give queue names or --all, not both"
                        : "Missing queue: give one or more queue names, or --all for every queue");
            }
            try (PQ pq = db.open(1)) {
                Admin admin = Tasks.create(pq).admin();
                if (!listOnly()) {
                    String[] names = all ? new String[] {PausedQueue.ALL} : queues.toArray(String[]::new);
                    try {
                        out.println(change(admin, names));
                    } catch (IllegalArgumentException e) {
                        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
                    }
                }
                List<PausedQueue> paused = admin.paused();
                if (paused.isEmpty()) {
                    out.println("no queue is paused");
                } else {
                    Table t = new Table("paused queue", "since");
                    for (PausedQueue p : paused) {
                        t.row(p.queue().equals(PausedQueue.ALL) ? "* (every queue)" : p.queue(), p.since());
                    }
                    t.print(out);
                }
                return 0;
            }
        }

        boolean listOnly() {
            return false;
        }

        abstract String change(Admin admin, String[] queues);
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Pauses queues for every worker: their jobs stay put and can still be enqueued, running "
                    + "jobs finish, and no worker starts another until pq resume. Kept in the database; workers "
                    + "are told at once. Times are UTC.")
    static final class Pause extends Change {
        @Option(names = "--list", description = "Only list the paused queues.")
        boolean list;

        @Override
        boolean listOnly() {
            return list && queues.isEmpty() && !all;
        }

        @Override
        String change(Admin admin, String[] names) {
            int n = admin.pause(names);
            return "paused " + String.join(", ", all ? List.of("every queue") : queues)
                    + (n == names.length ? "" : " (" + (names.length - n) + " already paused)");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Resumes paused queues (--all: every pause is removed); workers look for their jobs at once.")
    static final class Resume extends Change {
        @Override
        String change(Admin admin, String[] names) {
            int n = admin.resume(names);
            return "resumed " + String.join(", ", all ? List.of("every queue") : queues) + " (" + n + " pause"
                    + (n == 1 ? "" : "s") + " removed)";
        }
    }
}
