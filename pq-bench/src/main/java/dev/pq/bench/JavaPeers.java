package dev.pq.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

/**
 * The Java peers, on databases of their own on the same server: db-scheduler (one-time tasks,
 * lock-and-fetch polling, immediate execution) and JobRunr (PostgreSQL storage, 16 workers, its
 * shortest poll interval of 5 s). Each: schedule N one by one, schedule N in batches, execute N
 * pre-scheduled no-op jobs. Quartz, in the same shape, is {@link QuartzPeer}.
 */
final class JavaPeers {
    private JavaPeers() {
    }

    static List<Scenario> all() {
        return List.of(dbsSchedule(), dbsScheduleBatch(), dbsExecute(16), jobrunrEnqueue(), jobrunrEnqueueStream(),
                jobrunrExecute(16));
    }

    static int executeJobs() {
        return BenchConfig.integer("peerJobs", 20_000);
    }

    static HikariDataSource pool(String url, int size) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setMaximumPoolSize(size);
        c.setPoolName("peer");
        return new HikariDataSource(c);
    }

    // ---- db-scheduler -----------------------------------------------------------------------

    static final AtomicLong DBS_DONE = new AtomicLong();
    static volatile long dbsFirst;
    static volatile long dbsLast;
    static final OneTimeTask<Void> DBS_TASK = com.github.kagkarlsson.scheduler.task.helper.Tasks.oneTime("noop")
            .execute((instance, ctx) -> {
                long now = System.nanoTime();
                if (DBS_DONE.getAndIncrement() == 0) {
                    dbsFirst = now;
                }
                dbsLast = now;
            });

    /** db-scheduler's PostgreSQL table (its postgresql_tables.sql), dropped and created afresh. */
    static String dbsDatabase(BenchDb db) throws Exception {
        String url = db.database("pq_bench_dbscheduler");
        try (Connection c = java.sql.DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS scheduled_tasks");
            st.execute("CREATE TABLE scheduled_tasks (task_name text NOT NULL, task_instance text NOT NULL, "
                    + "task_data bytea, execution_time timestamptz NOT NULL, picked boolean NOT NULL, picked_by text, "
                    + "last_success timestamptz, last_failure timestamptz, consecutive_failures int, "
                    + "last_heartbeat timestamptz, version bigint NOT NULL, priority smallint, "
                    + "PRIMARY KEY (task_name, task_instance))");
            st.execute("CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)");
            st.execute("CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)");
            st.execute("CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)");
        }
        return url;
    }

    abstract static class DbsScenario extends RateScenario {
        HikariDataSource ds;
        SchedulerClient client;
        private String url;
        final AtomicLong ids = new AtomicLong();

        DbsScenario(String id, String title, String unit, int threads) {
            super(id, title, unit, threads);
        }

        @Override
        public void setUp(BenchDb db) throws Exception {
            if (url == null) {
                url = dbsDatabase(db);
            }
            ds = pool(url, threads() + 2);
            client = SchedulerClient.Builder.create(ds, DBS_TASK).build();
        }

        @Override
        void before(BenchDb db, BenchConfig config) throws Exception {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("TRUNCATE scheduled_tasks");
            }
        }

        @Override
        public void tearDown() {
            if (ds != null) {
                ds.close();
            }
        }
    }

    static Scenario dbsSchedule() {
        return new DbsScenario("peer.dbscheduler.schedule.t1", "db-scheduler schedule, one by one", "jobs/s", 1) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) {
                return () -> {
                    client.schedule(DBS_TASK.instance(Long.toString(ids.incrementAndGet())), Instant.now());
                    return 1;
                };
            }
        };
    }

    static Scenario dbsScheduleBatch() {
        return new DbsScenario("peer.dbscheduler.batch1000.t1", "db-scheduler scheduleBatch of 1,000", "jobs/s", 1) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) {
                return () -> {
                    List<TaskInstance<?>> batch = new ArrayList<>(RawScenarios.BATCH);
                    for (int i = 0; i < RawScenarios.BATCH; i++) {
                        batch.add(DBS_TASK.instance(Long.toString(ids.incrementAndGet())));
                    }
                    client.scheduleBatch(batch, Instant.now());
                    return batch.size();
                };
            }
        };
    }

    /** N pre-scheduled one-time tasks; a scheduler with {@code threads} threads runs them all. */
    static Scenario dbsExecute(int threads) {
        return new FixedWork("peer.dbscheduler.execute.t" + threads, String.format("db-scheduler executes %,d no-op tasks", executeJobs()), threads) {
            private String url;

            @Override
            Run drain(BenchDb db, int n) throws Exception {
                if (url == null) {
                    url = dbsDatabase(db);
                }
                try (HikariDataSource ds = pool(url, threads + 4)) {
                    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                        st.execute("TRUNCATE scheduled_tasks");
                    }
                    SchedulerClient client = SchedulerClient.Builder.create(ds, DBS_TASK).build();
                    for (int i = 0; i < n; i += RawScenarios.BATCH) {
                        List<TaskInstance<?>> batch = new ArrayList<>();
                        for (int j = i; j < Math.min(n, i + RawScenarios.BATCH); j++) {
                            batch.add(DBS_TASK.instance(Integer.toString(j)));
                        }
                        client.scheduleBatch(batch, Instant.now().minusSeconds(1));
                    }
                    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                        st.execute("VACUUM ANALYZE scheduled_tasks");
                    }
                    DBS_DONE.set(0);
                    Scheduler scheduler = Scheduler.create(ds, DBS_TASK).threads(threads)
                            .pollUsingLockAndFetch(0.5, 1.0).pollingInterval(Duration.ofMillis(100))
                            .enableImmediateExecution().build();
                    long t0 = System.nanoTime();
                    long end;
                    try {
                        scheduler.start();
                        waitFor(() -> DBS_DONE.get() >= n, id());
                        waitFor(() -> count(ds, "SELECT count(*) FROM scheduled_tasks") == 0, id());
                        end = System.nanoTime();
                    } finally {
                        scheduler.stop();
                    }
                    return result(n, t0, end, dbsFirst, dbsLast);
                }
            }
        };
    }

    // ---- JobRunr ----------------------------------------------------------------------------

    static final AtomicLong JR_DONE = new AtomicLong();
    static volatile long jrFirst;
    static volatile long jrLast;

    /** The job JobRunr runs (a static method: JobRunr stores the call, class and method names). */
    public static final class JobRunrJobs {
        private JobRunrJobs() {
        }

        public static void noop(int i) {
            long now = System.nanoTime();
            if (JR_DONE.getAndIncrement() == 0) {
                jrFirst = now;
            }
            jrLast = now;
        }
    }

    static PostgresStorageProvider storage(HikariDataSource ds) {
        PostgresStorageProvider sp = new PostgresStorageProvider(ds);
        sp.setJobMapper(new JobMapper(new JacksonJsonMapper()));
        return sp;
    }

    static void jobrunrClean(HikariDataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE jobrunr_jobs");
        }
    }

    abstract static class JobRunrScenario extends RateScenario {
        HikariDataSource ds;
        PostgresStorageProvider sp;
        JobScheduler scheduler;

        JobRunrScenario(String id, String title, String unit, int threads) {
            super(id, title, unit, threads);
        }

        @Override
        public void setUp(BenchDb db) throws Exception {
            ds = pool(db.database("pq_bench_jobrunr"), threads() + 2);
            sp = storage(ds);
            scheduler = new JobScheduler(sp);
        }

        @Override
        void before(BenchDb db, BenchConfig config) throws Exception {
            jobrunrClean(ds);
        }

        @Override
        public void tearDown() {
            if (sp != null) {
                sp.close();
            }
            if (ds != null) {
                ds.close();
            }
        }
    }

    static Scenario jobrunrEnqueue() {
        return new JobRunrScenario("peer.jobrunr.enqueue.t1", "JobRunr enqueue, one by one", "jobs/s", 1) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) {
                return () -> {
                    scheduler.enqueue(() -> JobRunrJobs.noop(1));
                    return 1;
                };
            }
        };
    }

    static Scenario jobrunrEnqueueStream() {
        return new JobRunrScenario("peer.jobrunr.stream1000.t1", "JobRunr enqueue(Stream) of 1,000", "jobs/s", 1) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) {
                return () -> {
                    scheduler.enqueue(IntStream.range(0, RawScenarios.BATCH).boxed(), i -> JobRunrJobs.noop(i));
                    return RawScenarios.BATCH;
                };
            }
        };
    }

    /**
     * N enqueued jobs; a BackgroundJobServer with {@code threads} workers and a 5 s poll interval
     * (JobRunr's minimum) runs them. The figure is the steady rate, from the first job's start to
     * the last one's, so the poll interval's start-up wait is left out (see extras).
     */
    static Scenario jobrunrExecute(int threads) {
        return new FixedWork("peer.jobrunr.execute.t" + threads, String.format("JobRunr executes %,d no-op jobs (steady)", executeJobs()), threads) {
            @Override
            Run drain(BenchDb db, int n) throws Exception {
                try (HikariDataSource ds = pool(db.database("pq_bench_jobrunr"), threads + 6)) {
                    PostgresStorageProvider sp = storage(ds);
                    jobrunrClean(ds);
                    JobScheduler scheduler = new JobScheduler(sp);
                    scheduler.enqueue(IntStream.range(0, n).boxed(), i -> JobRunrJobs.noop(i));
                    JR_DONE.set(0);
                    BackgroundJobServer server = new BackgroundJobServer(sp, new JacksonJsonMapper(),
                            new org.jobrunr.server.JobActivator() {
                                @Override
                                public <T> T activateJob(Class<T> type) {
                                    return null;
                                }
                            }, BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                            .andWorkerCount(threads).andPollIntervalInSeconds(5));
                    long t0 = System.nanoTime();
                    long end;
                    try {
                        server.start();
                        waitFor(() -> JR_DONE.get() >= n, id());
                        end = System.nanoTime();
                    } finally {
                        server.stop();
                        sp.close();
                    }
                    Run r = result(n, t0, end, jrFirst, jrLast);
                    return new Run(((Number) r.extra().get("steadyPerSec")).doubleValue(), n, r.seconds(), r.extra());
                }
            }
        };
    }

    // ---- shared ---------------------------------------------------------------------------------

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not done within 300 s");
            }
            Thread.sleep(2);
        }
    }

    static long count(javax.sql.DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Scenario.Run result(int n, long t0, long end, long first, long last) {
        double seconds = (end - t0) / 1e9;
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("jobs", n);
        extra.put("totalPerSec", Math.round(n / seconds));
        extra.put("startupMs", Math.round((first - t0) / 1e5) / 10.0);
        extra.put("steadyPerSec", Math.round((n - 1) / ((last - first) / 1e9)));
        return new Scenario.Run(n / seconds, n, seconds, extra);
    }

    /** A scenario that does a fixed amount of work (the warm-up a fifth of it). */
    abstract static class FixedWork implements Scenario {
        private final String id;
        private final String title;
        private final int threads;

        FixedWork(String id, String title, int threads) {
            this.id = id;
            this.title = title;
            this.threads = threads;
        }

        abstract Run drain(BenchDb db, int n) throws Exception;

        @Override
        public String id() {
            return id;
        }

        @Override
        public String title() {
            return title;
        }

        @Override
        public String unit() {
            return "jobs/s";
        }

        @Override
        public int threads() {
            return threads;
        }

        @Override
        public Run warmup(BenchDb db, BenchConfig config) throws Exception {
            return drain(db, Math.max(1_000, executeJobs() / 5));
        }

        @Override
        public Run run(BenchDb db, BenchConfig config, Duration length) throws Exception {
            return drain(db, executeJobs());
        }
    }
}
