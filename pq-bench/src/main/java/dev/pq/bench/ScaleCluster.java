package dev.pq.bench;

import dev.pq.harness.ProcessTools;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL cluster of the {@code pq.scale} benchmark: {@code initdb} into a temp directory
 * ({@code PQ_SCALE_PG_BIN}, default {@code /usr/lib/postgresql/15/bin}), started with
 * {@code pg_ctl} on a free port, listening on the given addresses, trust auth for
 * {@code 10.213.0.0/16} and 127.0.0.1; {@link #close()} stops it and removes the directory. Run
 * as root, the tools run under {@code unshare -U} (initdb and postgres refuse to run as root).
 * Like pq-chaos's cluster, never any other server; it is not shared with pq-chaos because that
 * one listens on loopback only and is tuned for fault injection.
 */
final class ScaleCluster implements AutoCloseable {
    static final String DATABASE = "scale";
    private static final String PREFIX = "pq-scale-";

    private final Path dir;
    private final Path data;
    private final List<String> prefix;
    private final Path bin;
    private final int port;
    private volatile boolean running;

    private ScaleCluster(Path dir, Path bin, List<String> prefix, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.bin = bin;
        this.prefix = prefix;
        this.port = port;
    }

    /** {@code bench.scalePgBin}, else {@code PQ_SCALE_PG_BIN}, else {@code /usr/lib/postgresql/15/bin}. */
    static Path binaries() {
        return Path.of(BenchConfig.setting("scalePgBin", System.getenv().getOrDefault("PQ_SCALE_PG_BIN",
                "/usr/lib/postgresql/15/bin")));
    }

    /** initdb, configure and start; a failure stops and removes what was made. */
    static ScaleCluster start(String listenAddresses) throws IOException {
        ProcessTools.reapStale(PREFIX);
        Path bin = binaries();
        if (!Files.isExecutable(bin.resolve("initdb")) || !Files.isExecutable(bin.resolve("pg_ctl"))) {
            throw new IllegalStateException("no initdb/pg_ctl in " + bin + " (set PQ_SCALE_PG_BIN)");
        }
        List<String> prefix = "root".equals(System.getProperty("user.name")) ? List.of("unshare", "-U") : List.of();
        Path dir = Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-");
        ProcessTools.claim(dir, bin);
        ScaleCluster c = new ScaleCluster(dir, bin, prefix, freePort());
        try {
            c.init(listenAddresses);
            return c;
        } catch (RuntimeException | IOException e) {
            c.close();
            throw e;
        }
    }

    private void init(String listen) throws IOException {
        tool("initdb", "-D", data.toString(), "-A", "trust", "-U", "postgres", "-E", "UTF-8", "--no-sync");
        // the shared server's settings where they matter (fsync, synchronous_commit on); room for 8 workers
        Files.writeString(data.resolve("postgresql.conf"), String.join("\n", "", "# pq-bench pq.scale",
                "port = " + port, "listen_addresses = '" + listen + "'", "unix_socket_directories = ''",
                "max_connections = 200", "shared_buffers = 256MB", "fsync = on", "synchronous_commit = on",
                "log_min_messages = warning", ""), StandardOpenOption.APPEND);
        Files.writeString(data.resolve("pg_hba.conf"), String.join("\n", "", "# pq-bench pq.scale: this machine only",
                "host all all 127.0.0.1/32 trust", "host all all 10.213.0.0/16 trust", ""), StandardOpenOption.APPEND);
        tool("pg_ctl", "-D", data.toString(), "-l", dir.resolve("postgresql.log").toString(), "-w", "-t", "120",
                "start");
        running = true;
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port
                + "/postgres?user=postgres"); var st = c.createStatement()) {
            st.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the scale database: " + e.getMessage());
        }
    }

    /** The JDBC URL for a client connecting through {@code host}. */
    String url(String host, String applicationName) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + DATABASE + "?user=postgres&ApplicationName="
                + applicationName;
    }

    int port() {
        return port;
    }

    /** The postmaster's process id (the first line of postmaster.pid). */
    long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the postmaster's pid: " + e.getMessage());
        }
    }

    /** Stops the server (fast, else immediate) and removes its directory. */
    @Override
    public synchronized void close() {
        if (running) {
            running = false;
            try {
                tool("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
            } catch (RuntimeException e) {
                try {
                    tool("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "-t", "60", "stop");
                } catch (RuntimeException again) {
                    System.err.println("pq.scale: could not stop the cluster in " + dir + ": " + again.getMessage());
                    return;
                }
            }
        }
        ProcessTools.delete(dir);
    }

    private void tool(String name, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(bin.resolve(name).toString());
        cmd.addAll(List.of(args));
        run(cmd, dir.resolve("tools.log"));
    }

    private static void run(List<String> cmd, Path log) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(cmd.get(cmd.size() - 1) + " of " + cmd.get(prefixLength(cmd))
                        + " failed (exit " + p.exitValue() + "), see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd));
        }
    }

    private static int prefixLength(List<String> cmd) {
        return "unshare".equals(cmd.get(0)) ? 2 : 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
