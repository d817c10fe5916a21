package dev.pq.chaos;

import dev.pq.harness.ProcessTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scenario's run: a fresh ledger and queue, its worker processes, its producer, its fault
 * timeline and notes. {@link #finish} waits for the drain and judges; {@link #close()} stops
 * everything and keeps the logs only if the scenario failed.
 */
final class Run implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Run.class);
    static final Duration POLL_DEFAULT = Duration.ofSeconds(5);
    static final int THREADS = 4;

    final Env env;
    final String id;
    final Timeline timeline = new Timeline();
    final AtomicLong numbers = new AtomicLong();
    final List<String> notes = new ArrayList<>();
    final Fleet fleet;
    private final Path logDir;
    private final long t0 = System.nanoTime();
    private Producer producer;
    private boolean keepLogs = Boolean.getBoolean("chaos.keepLogs");

    private Run(Env env, String id, Fleet fleet, Path logDir) {
        this.env = env;
        this.id = id;
        this.fleet = fleet;
        this.logDir = logDir;
    }

    /** Empties the tables and starts two worker processes. */
    static Run begin(Env env, String id) throws SQLException {
        return begin(env, id, 2);
    }

    /** Empties the tables and starts {@code processes} worker processes (pq's default 5 s poll interval). */
    static Run begin(Env env, String id, int processes) throws SQLException {
        return begin(env, id, processes, THREADS, 0);
    }

    static Run begin(Env env, String id, int processes, int threads, long heapEverySeconds) throws SQLException {
        Path dir = env.logRoot().resolve(id);
        ProcessTools.delete(dir);
        try (Connection c = env.admin()) {
            Ledger.reset(c);
        }
        Run run = new Run(env, id, new Fleet(env, dir, threads, POLL_DEFAULT, heapEverySeconds), dir);
        try {
            run.fleet.startAll(processes);
        } catch (RuntimeException e) {
            run.keepLogs = true;
            run.close();
            throw e;
        }
        log.info("{}: {} worker processes ready", id, processes);
        return run;
    }

    /** Starts the producer at {@code rate} jobs/s with these job sleeps. */
    Producer produce(double rate, IntSupplier sleeps) {
        producer = new Producer(env, numbers, rate, sleeps, 4).start();
        return producer;
    }

    /** Stops the producer and notes what it went through. */
    void stopProducer() {
        if (producer != null) {
            producer.close();
            notes.add(producer.summary());
            producer = null;
        }
    }

    /**
     * Waits for the drain, then judges: the ledger criteria, recovery after {@code faultEnd} (if
     * not null), idle seconds (if not null), and whatever {@code more} adds.
     */
    ScenarioResult finish(String title, Instant faultEnd, IdleSeconds idle, Consumer<Verdict> more) throws SQLException {
        stopProducer();
        long d0 = System.nanoTime();
        long left = Ledger.awaitDrained(env, env.scale().drainTimeout());
        notes.add(left == 0 ? String.format("drained %.1f s after the load stopped", (System.nanoTime() - d0) / 1e9)
                : left + " jobs still without effect after the " + env.scale().drainTimeout().toSeconds() + " s drain wait");
        LedgerFigures f;
        Recovery r = null;
        try (Connection c = env.admin()) {
            f = Ledger.figures(c, timeline);
            if (faultEnd != null) {
                r = Recovery.measure(c, faultEnd, Recovery.members(fleet));
            }
        }
        Verdict v = Verdict.of(f);
        if (r != null) {
            v.recovery(r);
        }
        if (idle != null) {
            v.idle(idle);
        }
        more.accept(v);
        if (!v.pass()) {
            keepLogs = true;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        return new ScenarioResult(id, title, f, r, idle, notes, v, keepLogs ? logDir : null, elapsed);
    }

    /** Stops the producer and the workers; keeps the worker logs and a copy of the server log if asked. */
    @Override
    public void close() {
        try {
            stopProducer();
        } finally {
            fleet.close();
            if (keepLogs) {
                try {
                    Files.createDirectories(logDir);
                    Files.copy(env.cluster().logFile(), logDir.resolve("postgresql.log"), StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    log.warn("could not copy the server log: {}", e.toString());
                }
            } else {
                ProcessTools.delete(logDir);
            }
        }
    }
}
