package dev.pq.scheduler;

import dev.pq.PQ;
import dev.pq.tasks.EnqueuedJob;
import dev.pq.tasks.JobListener;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker process hosting the scheduler, for the multi-process and crash tests:
 * {@code ChildScheduler <jdbcUrl> <schema> <mode>}. Its scheduler reads the time from the table
 * {@code <schema>.sim_clock}, which the test moves (every process sees the same simulated time).
 * In mode {@code hang} a scheduler run stops for ever at its second enqueue, its transaction open,
 * after printing {@code HANGING}: the test kills the process there.
 */
public final class ChildScheduler {
    /** The schedule every process hosts. */
    static Schedule schedule() {
        return Schedule.builder()
                .entry("minutely", e -> e.task("reports.event").cron("* * * * *").everyEvent().args("m"))
                .entry("two", e -> e.task("reports.event").cron("*/2 * * * *").everyEvent().args("two"))
                .build();
    }

    private ChildScheduler() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String schema = args[1];
        boolean hang = args.length > 2 && args[2].equals("hang");
        PQ pq = PQ.builder().url(url).schema(schema).poolSize(8).build();
        AtomicInteger enqueues = new AtomicInteger();
        Tasks.Builder tb = Tasks.builder(pq);
        if (hang) {
            tb.listener(new JobListener() {
                @Override
                public void beforeEnqueue(EnqueuedJob job) {
                    if (enqueues.incrementAndGet() == 2) {
                        System.out.println("HANGING");
                        System.out.flush();
                        try {
                            Thread.sleep(Long.MAX_VALUE);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            });
        }
        Tasks tasks = SchedulerTestBase.reportingTasks(tb.build(), schema);
        Scheduler scheduler = Scheduler.builder(tasks).schedule(schedule()).clock(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT t FROM " + schema + ".sim_clock")) {
                rs.next();
                return rs.getObject(1, OffsetDateTime.class).toInstant();
            }
        }).build();
        scheduler.ensureStarted();
        Worker worker = Worker.builder(tasks).workerCount(2).pollInterval(Duration.ofMillis(200))
                .heartbeatInterval(Duration.ofMillis(200)).handleSignals(true).build().start();
        System.out.println("started " + worker.id());
        System.out.flush();
        worker.awaitTermination();
        pq.close();
    }
}
