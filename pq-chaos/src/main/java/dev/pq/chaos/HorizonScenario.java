package dev.pq.chaos;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * Scenario 6a / 6c: a session holding back the xmin horizon under the standard load, so VACUUM
 * cannot remove the rows of completed jobs: an idle-in-transaction session that has taken a
 * transaction id ({@code pressure.xmin}), or a REPEATABLE READ reader holding one snapshot and
 * reading the queue every 5 s ({@code pressure.snapshot}). Reports throughput, dequeue latency,
 * table size and dead tuples before, during and after.
 */
final class HorizonScenario implements Scenario {
    private final boolean reader;

    HorizonScenario(boolean reader) {
        this.reader = reader;
    }

    @Override
    public String id() {
        return reader ? "pressure.snapshot" : "pressure.xmin";
    }

    @Override
    public String title(Scale s) {
        return (reader ? "a REPEATABLE READ reader holds its snapshot for " + s.snapshotFor().toSeconds()
                : "an idle-in-transaction session pins xmin for " + s.xminFor().toSeconds()) + " s under 200 jobs/s";
    }

    @Override
    public ScenarioResult run(Env env) throws Exception {
        Scale scale = env.scale();
        Duration hold = reader ? scale.snapshotFor() : scale.xminFor();
        try (Run run = Run.begin(env, id()); Sampler sampler = new Sampler(env, Duration.ofMillis(200), 5).start()) {
            Instant loadStart = Instant.now();
            run.produce(scale.rate(), Sleeps.uniform(0, 5));
            Sleeps.of(scale.pressureBefore());
            Instant start = Instant.now();
            try (Connection pin = env.admin(); Statement st = pin.createStatement()) {
                pin.setAutoCommit(false);
                if (reader) {
                    pin.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                }
                st.execute(reader ? "SELECT count(*) FROM " + LedgerSql.QUEUE : "SELECT txid_current()");
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < hold.toNanos()) {
                    Sleeps.millis(Math.min(5_000, (hold.toNanos() - (System.nanoTime() - t0)) / 1_000_000));
                    if (reader && System.nanoTime() - t0 < hold.toNanos()) {
                        st.execute("SELECT count(*) FROM " + LedgerSql.QUEUE);
                    }
                }
                pin.rollback();
            }
            Instant end = Instant.now();
            run.timeline.add(reader ? "snapshot held" : "xmin pinned", start, end);
            Sleeps.of(scale.pressureAfter());
            run.stopProducer();
            Instant loadEnd = Instant.now();
            try (Connection c = env.admin()) {
                run.notes.add(new Phase("before", loadStart, start).describe(c, sampler));
                run.notes.add(new Phase("during", start, end).describe(c, sampler));
                run.notes.add(new Phase("after", end, loadEnd).describe(c, sampler));
            }
            return run.finish(title(scale), end, null, v -> {
            });
        }
    }
}
