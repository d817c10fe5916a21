package dev.pq.spring;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.scheduler.Scheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** pq.schedule.location: the schedule is checked against the task beans and hosted where the worker runs. */
class ScheduleTest {
    @TempDir
    Path dir;

    @Test
    void scheduleLocation_ensuresTheSchedulerJob_beforeTheWorkerStarts() throws Exception {
        Path file = Files.writeString(dir.resolve("pq_schedule.yml"),
                "morning_email:\n  cron: \"0 7 * * *\"\n  task: Emails.confirm\n  args: [1]\n");
        ShopDatabase db = ShopDatabase.create();
        try (ConfigurableApplicationContext app = ShopApps.start(db, false, "pq.schedule.location=" + file)) {
            assertTrue(db.count("select count(*) from {s}.queue where queue = ?", Scheduler.QUEUE) >= 1,
                    "the scheduler's job is in the table");
        }
    }

    @Test
    void badSchedule_failsTheStart_namingTheEntry() throws Exception {
        Path file = Files.writeString(dir.resolve("pq_schedule.yml"),
                "nightly:\n  cron: \"0 3 * * *\"\n  task: Nope.missing\n");
        ShopDatabase db = ShopDatabase.create();
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> ShopApps.start(db, false, "pq.schedule.location=" + file).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("nightly") && messages.toString().contains("Nope.missing"),
                messages.toString());
    }
}
