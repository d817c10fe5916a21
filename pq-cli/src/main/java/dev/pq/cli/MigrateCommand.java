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
        description = {"Creates or upgrades the queue table to the latest schema version, or moves it up or down "
                + "to --to VERSION (0 removes everything pq created). Safe to run from several processes at once.",
                "With --print, prints the SQL instead of running it (for Flyway or Liquibase): from the database's "
                        + "version, or from --from VERSION without a database."})
final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions db;

    @Option(names = "--to", paramLabel = "VERSION",
            description = "The target schema version, 0 to latest (default: the latest).")
    Integer to;

    @Option(names = "--print", description = "Print the SQL of the migration instead of running it.")
    boolean print;

    @Option(names = "--from", paramLabel = "VERSION",
            description = "With --print: the version to start from, so no database is needed (default: the "
                    + "database's version).")
    Integer from;

    @Override
    public Integer call() {
        Logging.configure(PqCommand.logLevel(spec, "warn"));
        int latest = PQ.latestSchemaVersion();
        check("--to", to, latest);
        check("--from", from, latest);
        if (from != null && !print) {
            throw new ParameterException(spec.commandLine(), "--from goes with --print: a migration starts from the "
                    + "database's version");
        }
        int target = to == null ? latest : to;
        PrintWriter out = spec.commandLine().getOut();
        if (print && from != null) {
            out.print(script(from, target));
            return 0;
        }
        try (PQ pq = db.open(2)) {
            if (print) {
                out.print(script(pq.schemaVersion(), target));
                return 0;
            }
            String table = pq.schema() + "." + pq.table();
            int was = pq.schemaVersion();
            if (was == target) {
                out.printf("%s: schema version %d, nothing to do (latest: %d)%n", table, was, latest);
                return 0;
            }
            pq.migrate(target);
            int now = pq.schemaVersion();
            out.printf("%s: migrated from schema version %d to %d (latest: %d)%n", table, was, now, latest);
            return 0;
        }
    }

    private String script(int start, int target) {
        try {
            return PQ.migrationScript(db.schema, db.table, start, target);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private void check(String flag, Integer version, int latest) {
        if (version != null && (version < 0 || version > latest)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + flag + "': '" + version
                    + "': must be between 0 and " + latest + " (the latest schema version)");
        }
    }
}
