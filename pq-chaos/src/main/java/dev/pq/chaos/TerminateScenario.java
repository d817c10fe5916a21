package dev.pq.chaos;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

/**
 * Scenario 2: {@code pg_terminate_backend} every 2 s, of every worker backend (application name
 * {@code chaos-worker-*}: pool, listener and locker connections, not the ledger's or the
 * producer's), or of the lockers only (their pids from pq's registry, {@code
 * queue_workers.backend_pid}, refreshed by each heartbeat), optionally with jobs of 200–400 ms.
 */
final class TerminateScenario extends FaultScenario {
    static final Duration EVERY = Duration.ofSeconds(2);
    private static final String ALL = "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            + "WHERE application_name LIKE 'chaos-worker-%' AND pid <> pg_backend_pid()";
    private static final String LOCKERS = "SELECT count(*) FILTER (WHERE pg_terminate_backend(backend_pid)) FROM "
            + LedgerSql.WORKERS + " WHERE backend_pid IS NOT NULL";

    private final boolean lockersOnly;
    private final boolean slowJobs;

    TerminateScenario(boolean lockersOnly, boolean slowJobs) {
        this.lockersOnly = lockersOnly;
        this.slowJobs = slowJobs;
    }

    @Override
    public String id() {
        return lockersOnly ? (slowJobs ? "terminate.lockers.slow" : "terminate.lockers") : "terminate.all";
    }

    @Override
    public String title(Scale s) {
        return "pg_terminate_backend of " + (lockersOnly ? "the workers' locker sessions" : "every worker backend")
                + " every 2 s for " + seconds(s.terminateFor()) + (slowJobs ? ", jobs of 200–400 ms at 15/s" : "");
    }

    @Override
    double rate(Scale scale) {
        return slowJobs ? 15 : scale.rate();
    }

    @Override
    IntSupplier sleeps() {
        return slowJobs ? Sleeps.uniform(200, 400) : super.sleeps();
    }

    @Override
    Instant inject(Run run) throws Exception {
        long start = System.nanoTime();
        long killed = 0;
        int rounds = 0;
        Instant end = Instant.now();
        try (Connection c = run.env.admin(); Statement st = c.createStatement()) {
            for (long at = start; at - start < run.env.scale().terminateFor().toNanos(); at += EVERY.toNanos()) {
                Sleeps.until(at);
                Instant t = Instant.now();
                try (ResultSet rs = st.executeQuery(lockersOnly ? LOCKERS : ALL)) {
                    rs.next();
                    killed += rs.getLong(1);
                }
                end = Instant.now();
                run.timeline.add(lockersOnly ? "terminate lockers" : "terminate worker backends", t, end);
                rounds++;
            }
        }
        run.notes.add(killed + " backends terminated in " + rounds + " rounds");
        return end;
    }
}
