package dev.pq.tasks;

import dev.pq.PQ;
import java.sql.PreparedStatement;
import java.time.Duration;

/**
 * A worker process for the limit tests, started by them as a child JVM:
 * {@code LimitChild <jdbcUrl> <schema> <workerCount> <label> <limits>}, where limits is a
 * comma-separated list of {@code conc:<queue>:<n>}, {@code group:<queue>:<n>},
 * {@code rate:<name>:<n>:<periodMillis>:<queue>}, {@code max:<queue>:<n>}. It runs
 * {@link Ledgered} jobs, each writing its start and finish times (the database's clock) to
 * {@code <schema>.ledger} in the job's transaction. A process labelled {@code holder*} sleeps ten
 * minutes in each job (so it holds its jobs until killed).
 */
public final class LimitChild {
    /** The job of the limit tests. */
    public interface Ledgered {
        @Task(name = "ledger.run")
        void run(int n, long sleepMillis, JobContext job) throws Exception;
    }

    /** Writes the ledger row of each job. */
    static final class Ledger implements Ledgered {
        private final String table;
        private final String label;

        Ledger(String schema, String label) {
            this.table = schema + ".ledger";
            this.label = label;
        }

        static String ddl(String schema) {
            return "CREATE TABLE " + schema + ".ledger (n integer PRIMARY KEY, job_id bigint NOT NULL, "
                    + "queue text, group_key text, worker text NOT NULL, pid bigint NOT NULL, "
                    + "started_at timestamptz NOT NULL, finished_at timestamptz, entered_at timestamptz)";
        }

        @Override
        public void run(int n, long sleepMillis, JobContext job) throws Exception {
            java.time.Instant entered = java.time.Instant.now(); // the handler's entry (same host clock as the database)
            try (PreparedStatement ps = job.connection().prepareStatement("INSERT INTO " + table
                    + " (n, job_id, queue, group_key, worker, pid, started_at, entered_at) SELECT ?, ?, queue, group_key, "
                    + "?, ?, clock_timestamp(), ? FROM " + table.replace(".ledger", ".queue") + " WHERE id = ?")) {
                ps.setInt(1, n);
                ps.setLong(2, job.id());
                ps.setString(3, label);
                ps.setLong(4, ProcessHandle.current().pid());
                ps.setObject(5, java.time.OffsetDateTime.ofInstant(entered, java.time.ZoneOffset.UTC));
                ps.setLong(6, job.id());
                ps.executeUpdate();
            }
            Thread.sleep(label.startsWith("holder") ? 600_000 : sleepMillis);
            try (PreparedStatement ps = job.connection().prepareStatement("UPDATE " + table
                    + " SET finished_at = clock_timestamp() WHERE n = ?")) {
                ps.setInt(1, n);
                ps.executeUpdate();
            }
        }
    }

    private LimitChild() {
    }

    /** Adds the limits of {@code spec} to {@code b}. */
    static Worker.Builder limits(Worker.Builder b, String spec) {
        for (String s : spec.split(",")) {
            String[] p = s.split(":");
            switch (p[0]) {
                case "conc" -> b.limit(Limit.queue(p[1]).concurrency(Integer.parseInt(p[2])));
                case "group" -> b.limit(Limit.queue(p[1]).concurrency(Integer.parseInt(p[2])).perGroup());
                case "rate" -> b.limit(Limit.rate(p[1], Integer.parseInt(p[2]), Duration.ofMillis(Long.parseLong(p[3])))
                        .queues(p[4]));
                case "max" -> b.maxRunning(p[1], Integer.parseInt(p[2]));
                case "none" -> {
                }
                default -> throw new IllegalArgumentException(s);
            }
        }
        return b;
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String schema = args[1];
        int workerCount = Integer.parseInt(args[2]);
        String label = args[3];
        PQ pq = PQ.builder().url(url).schema(schema).poolSize(workerCount + 4).build();
        Tasks tasks = Tasks.create(pq);
        tasks.register(Ledgered.class, new Ledger(schema, label));
        Worker worker = limits(Worker.builder(tasks), args[4]).workerCount(workerCount)
                .pollInterval(Duration.ofMillis(500)).heartbeatInterval(Duration.ofMillis(200))
                .waitPeriod(Duration.ofSeconds(5)).handleSignals(true).build().start();
        System.out.println("started " + worker.id());
        System.out.flush();
        worker.awaitTermination();
        pq.close();
    }
}
