package dev.pq.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code pq} command. Exit codes: 0 success, 1 runtime failure (database unreachable, a
 * failing setup class, ...), 2 usage error (unknown flag, bad value).
 *
 * <pre>{@code
 * java -jar pq-cli-all.jar migrate --url postgres://app@localhost/app
 * java -jar pq-cli-all.jar work --url postgres://app@localhost/app --classpath app.jar --setup com.acme.Setup
 * }</pre>
 *
 * <p>In-process (tests, embedding): {@link #execute(Map, PrintWriter, PrintWriter, String...)}
 * runs one command and returns its exit code instead of exiting.
 */
public final class Main {
    /** The environment variable read when {@code --url} is not given. */
    public static final String URL_ENV = "PQ_DATABASE_URL";

    private Main() {
    }

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command with the process environment and standard streams; returns the exit code. */
    public static int execute(String... args) {
        return execute(System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Runs one command with the given environment (for {@value #URL_ENV}) and streams; returns the
     * exit code.
     */
    public static int execute(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        Objects.requireNonNull(env, "env");
        try {
            return commandLine(env, out, err).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The configured command line (not executed). */
    static CommandLine commandLine(Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new PqCommand(env));
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> failure(ex, cmd));
        return cl;
    }

    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(name + ": " + ex.getMessage());
        if (!UnmatchedArgumentException.printSuggestions(ex, err) && ex instanceof UnmatchedArgumentException
                && !cmd.getSubcommands().isEmpty()) {
            err.println("Commands: " + String.join(", ", cmd.getSubcommands().keySet()));
        }
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static int failure(Exception ex, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + describe(ex));
        if (Logging.verbose()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /** The message of {@code t}, followed by its root cause's when that adds something. */
    static String describe(Throwable t) {
        String msg = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getName() : t.getMessage();
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String rootMsg = root.getMessage() == null ? null : root.getMessage().strip().lines().findFirst().orElse("");
        if (root != t && rootMsg != null && !rootMsg.isEmpty() && !msg.contains(rootMsg)) {
            msg += " (caused by " + root.getClass().getSimpleName() + ": " + rootMsg + ")";
        }
        return msg;
    }
}
