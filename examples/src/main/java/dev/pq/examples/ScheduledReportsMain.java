package dev.pq.examples;

import dev.pq.PQ;
import dev.pq.scheduler.EntryStatus;
import dev.pq.scheduler.Schedule;
import dev.pq.scheduler.ScheduledJob;
import dev.pq.scheduler.Scheduler;
import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * que-scheduler with pq: a schedule file next to the worker, two report jobs and the audit
 * clear-down, no other process. The worker hosts the scheduler; the minutely entry fires at the
 * next minute, and the program prints what the scheduler enqueued.
 *
 * <pre>mvn -q -pl examples -am package -DskipTests exec:java -Dexec.mainClass=dev.pq.examples.ScheduledReportsMain</pre>
 */
public final class ScheduledReportsMain {
    /** A minutely report: every_event passes its match time first. */
    @Task(name = "MinuteReport")
    public static final class MinuteReport implements JobHandler<List<String>> {
        static final CountDownLatch RAN = new CountDownLatch(1);

        @Override
        public void run(List<String> args, JobContext job) {
            System.out.println("minute report for " + args.get(0) + " (" + args.get(1) + "), job " + job.id());
            RAN.countDown();
        }
    }

    /** A daily report of {@code kind} over {@code days}. */
    public interface Reports {
        @Task(name = "DailyReport", queue = "reports")
        void daily(String kind, int days);
    }

    private ScheduledReportsMain() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile("pq_schedule", ".yml");
        try (InputStream in = ScheduledReportsMain.class.getResourceAsStream("/pq_schedule.yml")) {
            Files.write(file, in.readAllBytes());
        }
        try (ExampleDatabase db = ExampleDatabase.open(); PQ pq = PQ.connect(db.url())) {
            pq.migrate();
            Tasks tasks = Tasks.create(pq);
            tasks.register(new MinuteReport());
            tasks.register(Reports.class, (kind, days) -> System.out.println(kind + " report over " + days + " days"));

            // validates the file (every problem at once) and registers the scheduler's own tasks
            Scheduler scheduler = Scheduler.builder(tasks).scheduleFile(file).build();
            Schedule.load(file).check(tasks); // what a project's own test would call
            for (EntryStatus e : scheduler.status()) {
                System.out.println(e.entry().name() + " (" + e.entry().cron() + "): next " + e.nextRuns());
            }
            scheduler.ensureStarted();
            try (Worker worker = Worker.builder(tasks).queues("*").build().start()) {
                System.out.println("waiting for the next minute's report...");
                if (!MinuteReport.RAN.await(150, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the minutely report did not run within 150 s");
                }
                for (ScheduledJob j : scheduler.enqueued(null, 10)) {
                    System.out.println("the scheduler enqueued job " + j.jobId() + " for " + j.entry() + " at "
                            + j.runTime() + " with " + j.args());
                }
                worker.awaitDrained(Duration.ofSeconds(10));
            }
            System.out.println("scheduler runs so far: " + scheduler.runs(100).size());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
