package dev.pq.chaos;

import dev.pq.harness.ProcessTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The worker processes of one scenario: child JVMs running {@link ChaosWorker}, started the way
 * pq-tasks' tests start theirs ({@code java -cp <this classpath> ...}), each logging at INFO to a
 * file of its own. {@link #close()} stops them with SIGTERM, and SIGKILLs what is left.
 */
final class Fleet implements AutoCloseable {
    /** One worker process; {@code label} is what it writes in the ledger's {@code worker} column. */
    record Member(String label, Process process, Path log, Instant spawnedAt) {
        boolean alive() {
            return process.isAlive();
        }
    }

    private final Env env;
    private final int threads;
    private final Duration poll;
    private final long heapEverySeconds;
    private final Path logDir;
    private final List<Member> members = new ArrayList<>();
    private final java.util.Map<String, Instant> ready = new java.util.concurrent.ConcurrentHashMap<>();

    Fleet(Env env, Path logDir, int threads, Duration poll, long heapEverySeconds) {
        this.env = env;
        this.logDir = logDir;
        this.threads = threads;
        this.poll = poll;
        this.heapEverySeconds = heapEverySeconds;
        Cleanup.register(this);
    }

    /** Starts {@code count} processes and waits until every one's worker has started. */
    List<Member> startAll(int count) {
        List<Member> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(spawn());
        }
        for (Member m : started) {
            awaitReady(m, Duration.ofSeconds(60));
        }
        return started;
    }

    /** Starts one more process (not waiting for it). */
    synchronized Member spawn() {
        String label = "w" + (members.size() + 1);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = logDir.resolve(label + ".log");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSX",
                "-cp", ProcessTools.classpath(Fleet.class), ChaosWorker.class.getName()));
        cmd.addAll(List.of("url=" + env.url("chaos-worker-" + label), "ledger=" + env.url("chaos-ledger"),
                "label=" + label, "workers=" + threads, "poll=" + poll.toMillis(),
                "parent=" + ProcessHandle.current().pid(), "heapEvery=" + heapEverySeconds));
        try {
            Files.createDirectories(logDir);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            Member m = new Member(label, p, log, Instant.now());
            members.add(m);
            return m;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start a worker process", e);
        }
    }

    /** Waits until the member's worker has started (its row in ledger.processes); returns when it did. */
    Instant awaitReady(Member m, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Instant at = readyAt(m);
            if (at != null) {
                return at;
            }
            if (!m.alive() || System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("worker " + m.label() + (m.alive() ? " did not start in " + timeout
                        : " exited with " + m.process().exitValue()) + "; its log " + m.log() + ":\n" + tail(m.log()));
            }
            Sleeps.millis(50);
        }
    }

    /** When the member's worker had started, or null if not yet. */
    Instant readyAt(Member m) {
        Instant known = ready.get(m.label());
        if (known != null) {
            return known;
        }
        try (Connection c = env.admin(); PreparedStatement ps = c.prepareStatement(LedgerSql.READY_AT)) {
            ps.setString(1, m.label());
            try (ResultSet rs = ps.executeQuery()) {
                Timestamp t = rs.next() ? rs.getTimestamp(1) : null;
                if (t == null) {
                    return null;
                }
                ready.put(m.label(), t.toInstant());
                return t.toInstant();
            }
        } catch (SQLException e) {
            return null; // the server may be down right now
        }
    }

    /** SIGKILL: no shutdown hook, no cleanup; returns when the process is gone. */
    void kill(Member m) {
        m.process().destroyForcibly();
        try {
            m.process().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Sleeps.Interrupted(e);
        }
    }

    synchronized List<Member> alive() {
        return members.stream().filter(Member::alive).toList();
    }

    synchronized List<Member> all() {
        return List.copyOf(members);
    }

    Path logDir() {
        return logDir;
    }

    /** SIGTERM to every live process (pq's graceful close), SIGKILL after 20 s. */
    @Override
    public void close() {
        Cleanup.forget(this);
        List<Member> live = alive();
        live.forEach(m -> m.process().destroy());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Member m : live) {
            try {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (!m.process().waitFor(left, TimeUnit.MILLISECONDS)) {
                    m.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                m.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
