package dev.pq.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz 2.5 as a job queue, the way a Quartz user would set it up for throughput: the JDBC job
 * store ({@code JobStoreTX} with {@code PostgreSQLDelegate}) on Quartz's own tables, created from
 * the DDL in the quartz jar ({@code org/quartz/impl/jdbcjobstore/tables_postgres.sql}) in a schema
 * of their own ({@value #SCHEMA}) of the benchmark database, created before and dropped after each
 * repeat; connections from a HikariCP pool handed to Quartz as its {@link ConnectionProvider}.
 * A job is a {@link JobDetail} plus a one-shot {@code SimpleTrigger} firing now; a fired, non-durable
 * job's trigger and detail are deleted when it completes. Scenarios in the shape of db-scheduler's:
 * schedule one by one, {@code scheduleJobs} of 1,000, and a 16-thread scheduler draining N
 * pre-scheduled no-op jobs (clustered, and once more non-clustered).
 *
 * <p>The settings, all in {@link #properties}:
 * <ul>
 * <li>{@code threadPool.threadCount} = 16 for the drain (the peers' 16 threads); 1 to schedule.</li>
 * <li>{@code jobStore.isClustered} = <b>true</b> for the headline figures: pq, db-scheduler and JobRunr
 * are all safe with several worker processes on one table, and Quartz is only so when clustered
 * (row locks in {@code QRTZ_LOCKS} around every acquire, fire and insert; without clustering it
 * guards its tables with an in-JVM semaphore and a second node would fire the same triggers).
 * {@code peer.quartz.execute.local.t16} measures {@code isClustered=false}, the single-node set-up,
 * to compare (in the run of 2026-12-02 it was not faster: 414 against 508 jobs/s).</li>
 * <li>{@code scheduler.batchTriggerAcquisitionMaxCount} = the thread count (default 1: one trigger
 * per acquire round trip), with {@code jobStore.acquireTriggersWithinLock} = true, which Quartz's
 * configuration guide asks for when that count is above 1.</li>
 * <li>{@code jobStore.useEnhancedStatements} = true: the one "very practical" way to speed up the
 * JDBC job store in Quartz's FAQ (bulk statements that load a trigger's job detail with it).</li>
 * <li>{@code scheduler.idleWaitTime} = 1,000 ms, the lowest Quartz accepts (default 30 s): how long the
 * scheduler thread sleeps when no trigger is due; triggers scheduled in the same JVM wake it
 * anyway. It does not matter to a drain of jobs already due.</li>
 * <li>triggers {@code withMisfireHandlingInstructionIgnoreMisfires()}: a backlog older than
 * {@code misfireThreshold} (60 s) would otherwise be left to the misfire handler, 20 at a time;
 * a queue user wants overdue jobs run, not re-planned.</li>
 * <li>the pool: threads + 4 connections (Quartz's data source guide: "at least the number of worker
 * threads in the thread pool plus three").</li>
 * </ul>
 */
final class QuartzPeer {
    static final String SCHEMA = "pq_bench_quartz";
    static final AtomicLong DONE = new AtomicLong();
    static volatile long first;
    static volatile long last;
    private static final AtomicLong INSTANCES = new AtomicLong();

    private QuartzPeer() {
    }

    /**
     * Jobs per drain: {@code bench.quartzJobs}, 5,000 by default (the other Java peers' 20,000
     * would take minutes per repeat at Quartz's rate of some hundreds a second).
     */
    static int jobs() {
        return BenchConfig.integer("quartzJobs", 5_000);
    }

    static List<Scenario> all() {
        return List.of(schedule(), scheduleBatch(), execute(16, true), execute(16, false));
    }

    /** The job Quartz runs: a no-op that counts, instantiated by Quartz for every firing. */
    public static final class Noop implements Job {
        public Noop() {
        }

        @Override
        public void execute(JobExecutionContext context) {
            long now = System.nanoTime();
            if (DONE.getAndIncrement() == 0) {
                first = now;
            }
            last = now;
        }
    }

    /** Hands a HikariCP pool to Quartz (registered with its DBConnectionManager by name). */
    record Provider(HikariDataSource ds) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws java.sql.SQLException {
            return ds.getConnection();
        }

        @Override
        public void shutdown() {
            // the scenario closes the pool
        }

        @Override
        public void initialize() {
        }
    }

    /** The bench database's URL with Quartz's schema first on the search path. */
    static String url(BenchDb db) {
        return db.url + (db.url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
    }

    /** Drops and creates Quartz's schema and runs the jar's PostgreSQL DDL in it. */
    static void createTables(BenchDb db) throws Exception {
        String ddl;
        try (InputStream in = Scheduler.class.getResourceAsStream("/org/quartz/impl/jdbcjobstore/tables_postgres.sql")) {
            if (in == null) {
                throw new IOException("tables_postgres.sql is not in the quartz jar");
            }
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ddl = ddl.lines().filter(l -> !l.trim().startsWith("--")).collect(Collectors.joining("\n"))
                .replace("COMMIT;", "");
        try (Connection c = java.sql.DriverManager.getConnection(db.url); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("SET search_path TO " + SCHEMA);
            st.execute(ddl);
        }
    }

    static void dropTables(BenchDb db) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(db.url); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    /** A Quartz user's throughput settings (see the class comment for each one's reason). */
    static Properties properties(String name, int threads, boolean clustered) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", name);
        p.setProperty("org.quartz.scheduler.instanceId", clustered ? "AUTO" : "NON_CLUSTERED");
        p.setProperty("org.quartz.scheduler.idleWaitTime", "1000");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", name);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(clustered));
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(threads));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.jobStore.useEnhancedStatements", "true");
        return p;
    }

    /** A scheduler (in standby until started) on {@code ds}, named uniquely in this JVM. */
    static Scheduler scheduler(HikariDataSource ds, int threads, boolean clustered) throws Exception {
        String name = "pqBenchQuartz" + INSTANCES.incrementAndGet();
        DBConnectionManager.getInstance().addConnectionProvider(name, new Provider(ds));
        return new StdSchedulerFactory(properties(name, threads, clustered)).getScheduler();
    }

    static JobDetail job(long i) {
        return JobBuilder.newJob(Noop.class).withIdentity("j" + i, "bench").build();
    }

    static Trigger trigger(long i) {
        return TriggerBuilder.newTrigger().withIdentity("t" + i, "bench").startNow()
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionIgnoreMisfires())
                .build();
    }

    /** Schedules jobs {@code from} to {@code to} (exclusive) in one {@code scheduleJobs} call. */
    static void batch(Scheduler s, long from, long to) throws Exception {
        Map<JobDetail, Set<? extends Trigger>> jobs = new HashMap<>();
        for (long i = from; i < to; i++) {
            jobs.put(job(i), Set.of(trigger(i)));
        }
        s.scheduleJobs(jobs, false);
    }

    abstract static class ScheduleScenario extends RateScenario {
        HikariDataSource ds;
        Scheduler scheduler;
        private BenchDb db;
        final AtomicLong ids = new AtomicLong();

        ScheduleScenario(String id, String title) {
            super(id, title, "jobs/s", 1);
        }

        @Override
        public void setUp(BenchDb db) throws Exception {
            this.db = db;
            createTables(db);
            ds = JavaPeers.pool(url(db), threads() + 4);
            scheduler = scheduler(ds, 1, true);
        }

        @Override
        void before(BenchDb db, BenchConfig config) {
            // fresh tables from setUp
        }

        @Override
        public void tearDown() throws Exception {
            if (scheduler != null) {
                scheduler.shutdown(false);
            }
            if (ds != null) {
                ds.close();
            }
            if (db != null) {
                dropTables(db);
            }
        }
    }

    static Scenario schedule() {
        return new ScheduleScenario("peer.quartz.schedule.t1", "Quartz scheduleJob (job + trigger), one by one") {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) {
                return () -> {
                    long i = ids.incrementAndGet();
                    scheduler.scheduleJob(job(i), trigger(i));
                    return 1;
                };
            }
        };
    }

    static Scenario scheduleBatch() {
        return new ScheduleScenario("peer.quartz.batch1000.t1", "Quartz scheduleJobs of 1,000") {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) {
                return () -> {
                    long from = ids.getAndAdd(RawScenarios.BATCH);
                    batch(scheduler, from, from + RawScenarios.BATCH);
                    return RawScenarios.BATCH;
                };
            }
        };
    }

    /**
     * N pre-scheduled no-op jobs (scheduleJobs of 1,000, then VACUUM ANALYZE); a scheduler with
     * {@code threads} threads runs them all. Timed from {@code start()} until every job ran and
     * its trigger is gone.
     */
    static Scenario execute(int threads, boolean clustered) {
        String id = "peer.quartz.execute." + (clustered ? "" : "local.") + "t" + threads;
        String title = String.format("Quartz executes %,d no-op jobs (%s)", jobs(),
                clustered ? "clustered" : "not clustered");
        return new JavaPeers.FixedWork(id, title, threads) {
            @Override
            public Run warmup(BenchDb db, BenchConfig config) throws Exception {
                return drain(db, Math.max(500, jobs() / 5));
            }

            @Override
            public Run run(BenchDb db, BenchConfig config, java.time.Duration length) throws Exception {
                return drain(db, jobs());
            }

            @Override
            Run drain(BenchDb db, int n) throws Exception {
                createTables(db);
                try (HikariDataSource ds = JavaPeers.pool(url(db), threads + 4)) {
                    Scheduler s = scheduler(ds, threads, clustered);
                    long end;
                    long t0;
                    try {
                        for (int i = 0; i < n; i += RawScenarios.BATCH) {
                            batch(s, i, Math.min(n, i + RawScenarios.BATCH));
                        }
                        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                            st.execute("VACUUM ANALYZE qrtz_job_details, qrtz_triggers, qrtz_simple_triggers");
                        }
                        DONE.set(0);
                        t0 = System.nanoTime();
                        s.start();
                        JavaPeers.waitFor(() -> DONE.get() >= n, id());
                        JavaPeers.waitFor(() -> JavaPeers.count(ds, "SELECT count(*) FROM qrtz_triggers") == 0
                                && JavaPeers.count(ds, "SELECT count(*) FROM qrtz_fired_triggers") == 0, id());
                        end = System.nanoTime();
                    } finally {
                        s.shutdown(true);
                    }
                    Run r = JavaPeers.result(n, t0, end, first, last);
                    Map<String, Object> extra = new LinkedHashMap<>(r.extra());
                    extra.put("clustered", clustered);
                    return new Run(r.value(), r.units(), r.seconds(), extra);
                } finally {
                    dropTables(db);
                }
            }
        };
    }
}
