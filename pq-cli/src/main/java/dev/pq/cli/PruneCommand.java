package dev.pq.cli;

import dev.pq.PQ;
import dev.pq.tasks.Pruned;
import dev.pq.tasks.Retention;
import dev.pq.tasks.Retention.Kind;
import dev.pq.tasks.Retention.Keep;
import dev.pq.tasks.Tasks;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pq prune}: one prune of the kept jobs now, as a worker's pruner does on its schedule
 * ({@code Admin.prune}), with the library's defaults unless told otherwise; prints what went.
 */
@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Deletes kept jobs past their age (finished 1d, failed 14d, cancelled 14d unless told "
                + "otherwise) or beyond a count per queue, and expired unique claims, in small batches. Pending "
                + "jobs are never touched. Workers do this every minute; this runs it once, now.")
final class PruneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions db;

    @Option(names = "--finished", paramLabel = "AGE",
            description = "Delete finished jobs older than AGE (1d, 12h, 30m...; 'forever' keeps them; default: 1d).")
    String finished;

    @Option(names = "--failed", paramLabel = "AGE",
            description = "Delete failed jobs older than AGE ('forever' keeps them; default: 14d).")
    String failed;

    @Option(names = "--cancelled", paramLabel = "AGE",
            description = "Delete cancelled jobs older than AGE ('forever' keeps them; default: 14d).")
    String cancelled;

    @Option(names = "--keep-finished", paramLabel = "N", description = "Keep at most the newest N finished jobs per queue.")
    Long keepFinished;

    @Option(names = "--keep-failed", paramLabel = "N", description = "Keep at most the newest N failed jobs per queue.")
    Long keepFailed;

    @Option(names = "--keep-cancelled", paramLabel = "N",
            description = "Keep at most the newest N cancelled jobs per queue.")
    Long keepCancelled;

    @Option(names = {"-q", "--queue"}, paramLabel = "QUEUE",
            description = "Only this queue (repeatable; default: every queue).")
    List<String> queues = new ArrayList<>();

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
            description = "Rows per deleting statement, each its own transaction (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() {
        Logging.configure(PqCommand.logLevel(spec, "warn"));
        PrintWriter out = spec.commandLine().getOut();
        Retention retention = retention();
        try (PQ pq = db.open(1)) {
            Pruned p = Tasks.create(pq).admin().prune(retention);
            if (!p.ran()) {
                spec.commandLine().getErr().println("another process is pruning " + db.schema + "." + db.table
                        + " now (it holds the pruning lock): nothing was done; try again when it is done");
                return 1;
            }
            out.println("pruned " + p.finished() + " finished, " + p.failed() + " failed, " + p.cancelled()
                    + " cancelled job" + (p.jobs() == 1 ? "" : "s") + " and " + p.claims() + " expired unique claim"
                    + (p.claims() == 1 ? "" : "s") + (queues.isEmpty() ? "" : " (queues " + String.join(", ", queues) + ")")
                    + " in " + Durations.format(Duration.ofMillis(p.took().toMillis())));
            return 0;
        }
    }

    private Retention retention() {
        Map<Kind, Keep> limits = new EnumMap<>(Kind.class);
        try {
            limits.put(Kind.FINISHED, limit("--finished", finished, Retention.defaults().limit(Kind.FINISHED),
                    "--keep-finished", keepFinished));
            limits.put(Kind.FAILED, limit("--failed", failed, Retention.defaults().limit(Kind.FAILED),
                    "--keep-failed", keepFailed));
            limits.put(Kind.CANCELLED, limit("--cancelled", cancelled, Retention.defaults().limit(Kind.CANCELLED),
                    "--keep-cancelled", keepCancelled));
            Retention r = Retention.none().batchSize(batchSize);
            for (String q : queues) {
                for (Map.Entry<Kind, Keep> e : limits.entrySet()) {
                    r = r.queue(q, e.getKey(), e.getValue());
                }
            }
            if (queues.isEmpty()) {
                for (Map.Entry<Kind, Keep> e : limits.entrySet()) {
                    r = r.keep(e.getKey(), e.getValue());
                }
            }
            return r;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private Keep limit(String ageOption, String age, Keep byDefault, String countOption, Long count) {
        Duration maxAge;
        if (age == null) {
            maxAge = byDefault.maxAge().orElse(null);
        } else if (age.strip().equalsIgnoreCase("forever")) {
            maxAge = null;
        } else {
            try {
                maxAge = Durations.parse(age);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid value for " + ageOption + ": " + e.getMessage(), e);
            }
        }
        if (count != null && count < 0) {
            throw new IllegalArgumentException("Invalid value for " + countOption + ": must be >= 0: " + count);
        }
        if (count == null) {
            return maxAge == null ? Keep.forever() : Keep.age(maxAge);
        }
        return maxAge == null ? Keep.count(count) : Keep.of(maxAge, count);
    }
}
