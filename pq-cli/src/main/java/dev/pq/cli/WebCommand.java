package dev.pq.cli;

import dev.pq.PQ;
import dev.pq.tasks.Tasks;
import dev.pq.web.Dashboard;
import dev.pq.web.DashboardServer;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pq web}: the dashboard on an embedded Jetty, until TERM or INT. */
@Command(name = "web", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves the dashboard: queues, jobs, failures, workers, stats charts; pause, resume, "
                + "cancel, retry, delete. Binds 127.0.0.1 unless --bind says otherwise.",
                "Authentication: --token (or " + WebCommand.TOKEN_ENV + ") for Bearer requests and the login form; "
                        + "--user with " + WebCommand.PASSWORD_ENV + " for HTTP basic. With neither, a random token "
                        + "is made and printed. --no-auth turns authentication off, on 127.0.0.1 only."})
final class WebCommand implements Callable<Integer> {
    static final String TOKEN_ENV = "PQ_WEB_TOKEN";
    static final String PASSWORD_ENV = "PQ_WEB_PASSWORD";

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions db;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "The port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String bind;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The secret token, at least 12 characters (default: the environment variable " + TOKEN_ENV
                    + "). Prefer the variable: a flag shows in the process list.")
    String token;

    @Option(names = "--user", paramLabel = "NAME",
            description = "Accept HTTP basic credentials: this user, the password in " + PASSWORD_ENV + ".")
    String user;

    @Option(names = "--no-auth", description = "No authentication: serves 127.0.0.1 only. For a laptop, never a server.")
    boolean noAuth;

    @Option(names = "--read-only", description = "Show everything, allow no action.")
    boolean readOnly;

    @Option(names = "--prefix", paramLabel = "PATH", defaultValue = "",
            description = "Serve under this path, such as /pq (default: the root).")
    String prefix;

    @Option(names = "--refresh", paramLabel = "DURATION", defaultValue = "5s",
            description = "How often open pages refresh (default: ${DEFAULT-VALUE}; 0 never).")
    String refresh;

    @Override
    public Integer call() throws InterruptedException {
        Logging.configure(PqCommand.logLevel(spec, "info"));
        Logger log = LoggerFactory.getLogger(WebCommand.class);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> env = env();
        String secret = token != null ? token : env.get(TOKEN_ENV);
        boolean generated = false;
        if (noAuth && (secret != null || user != null)) {
            throw new ParameterException(spec.commandLine(), "--no-auth excludes --token, " + TOKEN_ENV + " and --user");
        }
        if (!noAuth && secret == null && user == null) {
            byte[] b = new byte[16];
            new SecureRandom().nextBytes(b);
            secret = HexFormat.of().formatHex(b);
            generated = true;
        }
        Duration every;
        try {
            every = Durations.parse(refresh);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--refresh': " + e.getMessage());
        }
        try (PQ pq = db.open(4)) {
            Dashboard.Builder b = Dashboard.builder(Tasks.create(pq)).readOnly(readOnly).refreshInterval(every);
            if (noAuth) {
                b.noAuthentication();
            }
            if (secret != null) {
                b.token(secret);
            }
            if (user != null) {
                String password = env.get(PASSWORD_ENV);
                if (password == null) {
                    throw new ParameterException(spec.commandLine(), "--user needs the password in the environment "
                            + "variable " + PASSWORD_ENV);
                }
                b.credentials(user, password);
            }
            Dashboard dashboard;
            DashboardServer server;
            try {
                dashboard = b.build();
                server = DashboardServer.start(dashboard, bind, port, prefix);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                log.info("signal received: stopping the dashboard");
                server.close();
                stopped.countDown();
            }, "pq-web-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("pq web: " + server.uri() + (noAuth ? " (no authentication: this machine only)"
                    : generated ? " (log in with the generated token " + secret + "; set " + TOKEN_ENV
                    + " to choose one)" : "") + (readOnly ? " (read-only)" : ""));
            out.flush();
            try {
                server.join();
            } finally {
                server.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // the JVM is shutting down: the hook is running or has run
                }
            }
            return 0;
        }
    }

    private Map<String, String> env() {
        CommandSpec s = spec;
        while (s.parent() != null) {
            s = s.parent();
        }
        return s.userObject() instanceof PqCommand root ? root.env : System.getenv();
    }
}
