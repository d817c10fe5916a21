package dev.pq.bench;

import dev.pq.tasks.Bulk;
import dev.pq.tasks.Tasks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The two measurements of one {@code pq.scale} step, with all {@code n} worker processes started
 * and idle: put-to-start latency (one probe job at a time, so every process's locker wakes on
 * each notification) and the drain of a pre-filled table released by one commit.
 */
final class ScaleSteps {
    private final Tasks tasks;
    private final ScaleWorker.Probe probe;
    private final String adminUrl;
    private final long postmaster;

    ScaleSteps(Tasks tasks, String adminUrl, long postmaster) {
        this.tasks = tasks;
        this.probe = tasks.client(ScaleWorker.Probe.class);
        this.adminUrl = adminUrl;
        this.postmaster = postmaster;
    }

    static int jobs() {
        return BenchConfig.integer("scaleJobs", 50_000);
    }

    static int samples() {
        return BenchConfig.integer("scaleSamples", 300);
    }

    static int gapMillis() {
        return BenchConfig.integer("scaleGapMs", 20);
    }

    private static int nextProbe;

    /**
     * Once, before the first step: {@code jobs} rows committed, ANALYZEd and deleted again, so
     * the table has column statistics, as one in use has. On a table never analyzed, the workers'
     * prepared {@code pq:check} ran as a sequential scan through the whole first drain (448 and 653
     * jobs/s against 9,696 primed, 1 process): a finding about cold tables, not about scale.
     */
    void prime() throws Exception {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
            for (int done = 0; done < jobs(); done += 5_000) {
                Bulk bulk = tasks.bulk();
                ScaleWorker.Noop m = bulk.client(ScaleWorker.Noop.class);
                for (int i = 0; i < Math.min(5_000, jobs() - done); i++) {
                    m.noop();
                }
                bulk.enqueue(c);
            }
            st.execute("ANALYZE queue");
            st.execute("DELETE FROM queue");
        }
    }

    /**
     * {@code samples} probes (after 20 unmeasured ones), each put in its own transaction after a
     * gap. The commit's instant is not visible to the client: latency is timed from the put's
     * return (just after its commit, a lower bound that goes below zero when this harness is
     * descheduled on a busy machine) and from the put's call (an upper bound: it adds the put).
     */
    Map<String, Object> latency(ScaleFleet fleet) throws Exception {
        int warm = 20;
        int n = samples();
        long[] lat = new long[n];
        long[] fromCall = new long[n];
        long[] put = new long[n];
        for (int s = -warm; s < n; s++) {
            int i = nextProbe++;
            long called = micros();
            probe.probe(i);
            long committed = micros();
            long started = fleet.awaitStart(i, 10_000);
            if (started < 0) {
                throw new IllegalStateException("probe job " + i + " did not start within 10 s" + fleet.firstDeath());
            }
            if (s >= 0) {
                lat[s] = started - committed;
                fromCall[s] = started - called;
                put[s] = committed - called;
            }
            Thread.sleep(gapMillis());
        }
        Arrays.sort(lat);
        Arrays.sort(fromCall);
        Arrays.sort(put);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samples", n);
        out.put("gapMs", gapMillis());
        out.put("p50Ms", ms(pct(lat, 50)));
        out.put("p99Ms", ms(pct(lat, 99)));
        out.put("minMs", ms(lat[0]));
        out.put("maxMs", ms(lat[n - 1]));
        out.put("fromCallP50Ms", ms(pct(fromCall, 50)));
        out.put("fromCallP99Ms", ms(pct(fromCall, 99)));
        out.put("putP50Ms", ms(pct(put, 50)));
        out.put("putP99Ms", ms(pct(put, 99)));
        return out;
    }

    private static long pct(long[] sorted, int p) {
        return sorted[(int) Math.floor(p / 100.0 * (sorted.length - 1))];
    }

    /**
     * An unmeasured drain of a tenth per process (so that each process's JIT is as warm as the
     * single one's), then the measured one: {@code jobs} no-op jobs inserted in
     * one transaction (pq-tasks' bulk enqueue, 5,000 per statement) while the workers idle; the
     * commit releases them (one notification); the time runs until the table is empty.
     */
    Map<String, Object> drain(ScaleFleet fleet, int processes, int cores) throws Exception {
        drainOnce(fleet, Math.max(1_000, jobs() / 10) * processes, cores);
        return drainOnce(fleet, jobs(), cores);
    }

    private Map<String, Object> drainOnce(ScaleFleet fleet, int jobs, int cores) throws Exception {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE queue");
            c.setAutoCommit(false);
            for (int done = 0; done < jobs; done += 5_000) {
                Bulk bulk = tasks.bulk();
                ScaleWorker.Noop m = bulk.client(ScaleWorker.Noop.class);
                for (int i = 0; i < Math.min(5_000, jobs - done); i++) {
                    m.noop();
                }
                bulk.enqueue(c);
            }
            String lsn0 = text(st, "SELECT pg_current_wal_lsn()");
            try (ScaleSampler waits = new ScaleSampler(adminUrl.replace("scale-harness", "scale-sampler"))) {
                long pg0 = ScaleSampler.clusterTicks(postmaster);
                long jvm0 = ScaleSampler.ticks(fleet.pids());
                long self0 = ScaleSampler.ticks(List.of(ProcessHandle.current().pid()));
                long[] m0 = ScaleSampler.machine();
                c.commit();
                long t0 = System.nanoTime();
                c.setAutoCommit(true);
                long deadline = t0 + TimeUnit.SECONDS.toNanos(600);
                while (!"f".equals(text(st, "SELECT EXISTS (SELECT 1 FROM queue)").substring(0, 1))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the table did not empty in 600 s" + fleet.firstDeath());
                    }
                    Thread.sleep(20);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long pg1 = ScaleSampler.clusterTicks(postmaster);
                long jvm1 = ScaleSampler.ticks(fleet.pids());
                long self1 = ScaleSampler.ticks(List.of(ProcessHandle.current().pid()));
                long[] m1 = ScaleSampler.machine();
                Map<String, Object> w = waits.stop();
                long wal = Long.parseLong(text(st, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '" + lsn0 + "')")
                        .replaceAll("\\..*", ""));
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("jobs", jobs);
                out.put("seconds", ScaleSampler.round(seconds));
                out.put("jobsPerSec", Math.round(jobs / seconds));
                double pgCores = (pg1 - pg0) / ScaleSampler.HZ / seconds;
                out.put("pgCorePct", Math.round(pgCores * 100));
                out.put("pgMachinePct", Math.round(pgCores * 100 / cores));
                out.put("workerJvmCores", ScaleSampler.round((jvm1 - jvm0) / ScaleSampler.HZ / seconds));
                double busy = m1[1] > m0[1] ? (double) (m1[0] - m0[0]) / (m1[1] - m0[1]) : 0;
                double harness = (self1 - self0) / ScaleSampler.HZ / seconds;
                out.put("harnessCores", ScaleSampler.round(harness));
                out.put("machineBusyPct", Math.round(busy * 100));
                // what else ran meanwhile (other benchmarks): busy cores not ours
                out.put("otherCores", ScaleSampler.round(Math.max(0, busy * cores - pgCores
                        - (jvm1 - jvm0) / ScaleSampler.HZ / seconds - harness)));
                out.put("walBytes", wal);
                out.put("walBytesPerJob", Math.round((double) wal / jobs));
                out.put("walMBPerSec", ScaleSampler.round(wal / 1e6 / seconds));
                out.putAll(w);
                return out;
            }
        }
    }

    private static String text(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
