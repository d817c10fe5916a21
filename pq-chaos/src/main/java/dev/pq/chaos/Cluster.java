package dev.pq.chaos;

import dev.pq.harness.ProcessTools;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL cluster of the suite's own: {@code initdb} into a temp directory, {@code pg_ctl} on
 * a free port of 127.0.0.1, removed by {@link #close()}. It never touches any other server.
 * Applications connect as the role {@code chaos} (not a superuser, so {@code
 * superuser_reserved_connections} apply to it), to the database {@code chaos} it owns; fault
 * injection and sampling connect as the superuser {@code postgres}.
 */
final class Cluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Cluster.class);
    static final String DATABASE = "chaos";
    static final String APP_ROLE = "chaos";
    static final String SUPERUSER = "postgres";
    private static final String PREFIX = "pq-chaos-";

    private final PgBinaries binaries;
    private final Path dir;
    private final Path data;
    private final int port;
    private volatile boolean running;

    private Cluster(PgBinaries binaries, Path dir, int port) {
        this.binaries = binaries;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    /** Creates and starts a cluster; it is stopped and removed at JVM exit at the latest. */
    static Cluster start() {
        ProcessTools.reapStale(PREFIX);
        PgBinaries bin = PgBinaries.locate();
        try {
            Path dir = Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-");
            ProcessTools.claim(dir, bin.bin());
            Cluster c = new Cluster(bin, dir, freePort());
            Cleanup.register(c);
            c.init();
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the chaos cluster", e);
        }
    }

    private void init() throws IOException {
        long t0 = System.nanoTime();
        run(binaries.command("initdb", "-D", data.toString(), "-A", "trust", "-U", SUPERUSER, "-E", "UTF-8",
                "--no-sync"), Duration.ofMinutes(2));
        // fsync and synchronous_commit stay on: an immediate-mode restart must not lose commits.
        String conf = String.join("\n",
                "", "# pq-chaos", "port = " + port, "listen_addresses = '127.0.0.1'", "unix_socket_directories = ''",
                "max_connections = 100", "superuser_reserved_connections = 3", "shared_buffers = 128MB",
                "fsync = on", "synchronous_commit = on", "log_line_prefix = '%m [%p] %a '",
                "log_min_messages = warning", "");
        Files.writeString(data.resolve("postgresql.conf"), conf, java.nio.file.StandardOpenOption.APPEND);
        pgCtl("start");
        try (Connection c = DriverManager.getConnection(url(SUPERUSER, "chaos-harness").replace("/" + DATABASE + "?",
                "/postgres?")); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + APP_ROLE + " LOGIN");
            st.execute("CREATE DATABASE " + DATABASE + " OWNER " + APP_ROLE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the chaos database: " + e.getMessage(), e);
        }
        log.info("chaos cluster on 127.0.0.1:{} in {} ({} ms)", port, dir, (System.nanoTime() - t0) / 1_000_000);
    }

    /** A JDBC URL for {@code user}, tagged with an application name (how fault injectors find backends). */
    String url(String user, String applicationName) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=" + user + "&ApplicationName="
                + applicationName;
    }

    /** A superuser connection to the chaos database (fault injection, sampling). */
    Connection superuser() throws SQLException {
        return DriverManager.getConnection(url(SUPERUSER, "chaos-harness") + "&socketTimeout=120");
    }

    /**
     * {@code pg_ctl restart -m mode} ({@code fast} or {@code immediate}); returns when the server
     * accepts connections again.
     */
    Instant restart(String mode) {
        pgCtl("restart", "-m", mode);
        return awaitAccepting(Duration.ofSeconds(60));
    }

    /** Waits until a connection succeeds; returns the time it did. */
    Instant awaitAccepting(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Connection c = superuser()) {
                return Instant.now();
            } catch (SQLException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the chaos cluster does not accept connections: " + e.getMessage());
                }
                Sleeps.millis(20);
            }
        }
    }

    private void pgCtl(String action, String... more) {
        String[] args = Stream.concat(Stream.of("-D", data.toString(), "-l", logFile().toString(), "-w", "-t", "120"),
                Stream.concat(Stream.of(more), Stream.of(action))).toArray(String[]::new);
        run(binaries.command("pg_ctl", args), Duration.ofMinutes(3));
        running = !"stop".equals(action);
    }

    private void run(List<String> cmd, Duration timeout) {
        File out = dir.resolve("tools.log").toFile();
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out)).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("failed (exit " + p.exitValue() + "): " + cmd + "\n" + tail(out.toPath()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + cmd, e);
        }
    }

    int port() {
        return port;
    }

    /** The server's log, in the data directory (removed with it: failing scenarios copy it). */
    Path logFile() {
        return data.resolve("postgresql.log");
    }

    /** {@code server_version} of the running cluster. */
    String version() {
        try (Connection c = superuser(); Statement st = c.createStatement();
             var rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Stops the server (fast) and removes its directory. */
    @Override
    public void close() {
        Cleanup.forget(this);
        if (running) {
            try {
                pgCtl("stop", "-m", "fast");
            } catch (RuntimeException e) {
                log.warn("stopping the chaos cluster: {}", e.getMessage());
                try {
                    pgCtl("stop", "-m", "immediate");
                } catch (RuntimeException again) {
                    log.error("could not stop the chaos cluster in {}: {}", dir, again.getMessage());
                    return;
                }
            }
        }
        ProcessTools.delete(dir);
        log.info("chaos cluster on port {} stopped and removed", port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path f) {
        try {
            String s = Files.readString(f);
            return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
        } catch (IOException e) {
            return "";
        }
    }
}
