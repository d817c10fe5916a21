package dev.pq.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command: {@code pq <command>}. */
@Command(name = "pq", mixinStandardHelpOptions = true, versionProvider = PqCommand.Version.class,
        description = "pq: a transactional job queue on PostgreSQL.",
        subcommands = {WorkCommand.class, MigrateCommand.class, StatsCommand.class, FailedCommand.class, ScheduleCommand.class,
                PauseCommand.Pause.class, PauseCommand.Resume.class, CancelCommand.class, PruneCommand.class, WebCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 runtime failure, 2 usage error.",
                "The database URL comes from --url or the environment variable " + Main.URL_ENV + "."})
final class PqCommand implements Callable<Integer> {
    final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = "--log-level", paramLabel = "LEVEL", scope = ScopeType.INHERIT, converter = Logging.LevelConverter.class,
            description = "error, warn, info, debug or trace (default: info for work, warn for the others). "
                    + "Logs go to stderr.")
    String logLevel;

    /** The --log-level given to the command of {@code spec} (declared once, here), or {@code otherwise}. */
    static String logLevel(CommandSpec spec, String otherwise) {
        PqCommand root = (PqCommand) spec.root().userObject();
        return root.logLevel == null ? otherwise : root.logLevel;
    }

    PqCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: give one of work, migrate, stats, failed, schedule");
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PqCommand.class.getPackage().getImplementationVersion();
            return new String[] {"pq " + (v == null ? "(development build)" : v),
                    "JVM " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
