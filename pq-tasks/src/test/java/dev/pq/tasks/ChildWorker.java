package dev.pq.tasks;

import dev.pq.PQ;
import java.sql.PreparedStatement;
import java.time.Duration;

/**
 * A worker process for crash and multi-process tests, started by them as a child JVM:
 * {@code ChildWorker <jdbcUrl> <schema> <workerCount> <sleepOddMillis> <label>}. It runs
 * {@link Numbered} jobs, recording each in {@code <schema>.done} inside the job's transaction
 * (the table's primary key on the job number makes the database check "exactly once"); jobs
 * with odd numbers then sleep {@code sleepOddMillis}. It closes gracefully on SIGTERM.
 */
public final class ChildWorker {
    /** The job every process runs. */
    public interface Numbered {
        @Task(name = "numbered.run")
        void run(int n, JobContext job) throws Exception;
    }

    /** Jobs that exhaust what a worker thread has: its heap, its stack. */
    public interface Hog {
        @Task(name = "hog.heap")
        void heap();

        @Task(name = "hog.stack")
        void stack();
    }

    /** Allocates until the heap is exhausted; recurses until the stack is. */
    static final class Hogs implements Hog {
        @Override
        public void heap() {
            java.util.List<long[]> hoard = new java.util.ArrayList<>();
            while (true) {
                hoard.add(new long[1 << 17]); // 1 MiB at a time
            }
        }

        @Override
        public void stack() {
            stack();
        }
    }

    /** Records job {@code n} as done by {@code label}, in the job's transaction. */
    public static final class Recorder implements Numbered {
        private final String done;
        private final long sleepOddMillis;
        private final String label;

        public Recorder(String schema, long sleepOddMillis, String label) {
            this.done = schema + ".done";
            this.sleepOddMillis = sleepOddMillis;
            this.label = label;
        }

        /** Creates the table the recorder writes to. */
        public static String ddl(String schema) {
            return "CREATE TABLE " + schema + ".done (n integer PRIMARY KEY, job_id bigint NOT NULL UNIQUE, "
                    + "worker text NOT NULL, pid bigint NOT NULL)";
        }

        @Override
        public void run(int n, JobContext job) throws Exception {
            try (PreparedStatement ps = job.connection().prepareStatement(
                    "INSERT INTO " + done + " (n, job_id, worker, pid) VALUES (?, ?, ?, ?)")) {
                ps.setInt(1, n);
                ps.setLong(2, job.id());
                ps.setString(3, label);
                ps.setLong(4, ProcessHandle.current().pid());
                ps.executeUpdate();
            }
            if (sleepOddMillis > 0 && n % 2 == 1) {
                Thread.sleep(sleepOddMillis); // holds the job (and its uncommitted row)
            }
        }
    }

    private ChildWorker() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String schema = args[1];
        int workerCount = Integer.parseInt(args[2]);
        long sleepOdd = Long.parseLong(args[3]);
        String label = args[4];
        PQ pq = PQ.builder().url(url).schema(schema).poolSize(workerCount + 6).build();
        Tasks tasks = Tasks.create(pq);
        tasks.register(Numbered.class, new Recorder(schema, sleepOdd, label));
        tasks.register(Hog.class, new Hogs());
        Worker worker = Worker.builder(tasks).workerCount(workerCount).pollInterval(Duration.ofMillis(500))
                .heartbeatInterval(Duration.ofMillis(200)).waitPeriod(Duration.ofSeconds(5)).handleSignals(true)
                .build().start();
        System.out.println("started " + worker.id());
        System.out.flush();
        worker.awaitTermination();
        pq.close();
    }
}
