package dev.pq.cli;

import dev.pq.PQ;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pq migrate}: creates or upgrades the queue table, or moves it to a given version. */
@Command(name = "migrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Creates or upgrades the queue table to the latest schema version, or moves it up or down "
                + "to --to VERSION (0 removes everything pq created). Safe to run from several processes at once.")
final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions db;

    @Option(names = "--to", paramLabel = "VERSION",
            description = "The target schema version, 0 to latest (default: the latest).")
    Integer to;

    @Override
    public Integer call() {
        Logging.configure(PqCommand.logLevel(spec, "warn"));
        int latest = PQ.latestSchemaVersion();
        if (to != null && (to < 0 || to > latest)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--to': '" + to
                    + "': must be between 0 and " + latest + " (the latest schema version)");
        }
        int target = to == null ? latest : to;
        PrintWriter out = spec.commandLine().getOut();
        try (PQ pq = db.open(2)) {
            String table = pq.schema() + "." + pq.table();
            int from = pq.schemaVersion();
            if (from == target) {
                out.printf("%s: schema version %d, nothing to do (latest: %d)%n", table, from, latest);
                return 0;
            }
            pq.migrate(target);
            int now = pq.schemaVersion();
            out.printf("%s: migrated from schema version %d to %d (latest: %d)%n", table, from, now, latest);
            return 0;
        }
    }
}
