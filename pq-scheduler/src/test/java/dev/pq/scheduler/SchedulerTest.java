package dev.pq.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.EnqueuedJob;
import dev.pq.tasks.JobListener;
import dev.pq.tasks.Tasks;
import dev.pq.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** que-scheduler's semantics, run by the real scheduler job with a clock the test moves. */
@Timeout(120)
class SchedulerTest extends SchedulerTestBase {
    private static final Schedule HOURLY = Schedule.builder()
            .entry("daily", e -> e.task("reports.daily").cron("0 * * * *").args("coalesced"))
            .entry("event", e -> e.task("reports.event").cron("0 * * * *").everyEvent().args("each"))
            .build();

    private void received(String entry, long n) {
        await(n + " jobs of " + entry, Duration.ofSeconds(20),
                () -> count("SELECT count(*) FROM " + schema + ".received WHERE entry = ?", entry) == n);
    }

    @Test
    void theFirstRunEnqueuesNothingForThePast_thenEachRunEnqueuesWhatFellDueSince() {
        start(HOURLY); // the first run, at 00:00:30: entries start from there
        assertEquals(0, count("SELECT count(*) FROM " + schema + ".queue_scheduler_enqueued"));
        runAt("2026-12-01T00:59:59Z");
        assertEquals(0, count("SELECT count(*) FROM " + schema + ".queue_scheduler_enqueued"), "nothing due yet");
        runAt("2026-12-01T01:00:00Z");
        received("daily", 1);
        received("event:each", 1);
        assertEquals(List.of("2026-12-01T01:00:00Z"), strings("SELECT match FROM " + schema
                + ".received WHERE entry = 'event:each'"), "every_event's first argument is the match time");
        assertEquals(1, count("SELECT count(*) FROM " + table() + " WHERE task = 'pq.scheduler'"), "one scheduler job");
    }

    @Test
    void afterAThreeHourOutage_defaultCoalescesIntoOneJob_everyEventEnqueuesEachMatch() {
        start(HOURLY);
        runAt("2026-12-01T03:45:00Z"); // every worker was down for 3 h 15 min: 01:00, 02:00, 03:00 missed
        received("daily", 1);
        received("event:each", 3);
        assertEquals(List.of("2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z", "2026-12-01T03:00:00Z"),
                strings("SELECT match FROM " + schema + ".received WHERE entry = 'event:each' ORDER BY match"));
        List<ScheduledJob> audit = scheduler(HOURLY).enqueued("daily", 10);
        assertEquals(1, audit.size());
        assertEquals(Instant.parse("2026-12-01T03:00:00Z"), audit.get(0).runTime(), "the latest match it stands for");
        assertEquals("reports", audit.get(0).queue(), "the task's queue");
        assertEquals(40, audit.get(0).priority(), "the task's priority");
        assertEquals("[\"coalesced\"]", audit.get(0).args().replace(" ", ""));
    }

    @Test
    void aScheduleFile_isReadAgainWhenItChanges_newEntriesStartLater_removedOnesAreForgotten(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("pq_schedule.yml");
        Files.writeString(file, "daily:\n  task: reports.daily\n  cron: \"0 * * * *\"\n  args: [v1]\n");
        Scheduler s = Scheduler.builder(tasks).scheduleFile(file).clock(clock).build();
        s.ensureStarted();
        worker();
        await("the first run", Duration.ofSeconds(20),
                () -> count("SELECT count(*) FROM " + schema + ".queue_scheduler_runs") == 1);
        runAt("2026-12-01T01:00:00Z");
        received("daily", 1);
        // a deploy changes the file: a new entry, a changed one; no restart
        Files.writeString(file, "daily:\n  task: reports.daily\n  cron: \"30 * * * *\"\n  args: [v2]\n"
                + "event:\n  task: reports.event\n  cron: \"*/10 * * * *\"\n  schedule_type: every_event\n  args: [new]\n");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        runAt("2026-12-01T01:40:00Z");
        received("daily", 2); // the changed cron's 01:30 fell due
        assertEquals(List.of("v1", "v2"), strings("SELECT kind FROM " + schema + ".received WHERE entry = 'daily' "
                + "ORDER BY job_id"));
        assertEquals(0, count("SELECT count(*) FROM " + schema + ".received WHERE entry = 'event:new'"),
                "a new entry enqueues nothing for the past (01:10 .. 01:40 went by before it was known)");
        runAt("2026-12-01T01:50:00Z");
        received("event:new", 1);
        // the entry removed: forgotten, nothing more for it
        Files.writeString(file, "daily:\n  task: reports.daily\n  cron: \"30 * * * *\"\n  args: [v2]\n");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(10)));
        runAt("2026-12-01T02:20:00Z");
        assertEquals(1, count("SELECT count(*) FROM " + schema + ".received WHERE entry = 'event:new'"));
        assertEquals(List.of("daily"), strings("SELECT unnest(known) FROM " + schema + ".queue_scheduler"));
    }

    @Test
    void theSchedulerJob_cannotBeDeletedByHand_andConcurrentStartsLeaveOneJob() throws Exception {
        Scheduler s = scheduler(HOURLY);
        CompletableFuture<Boolean> a = CompletableFuture.supplyAsync(s::ensureStarted);
        CompletableFuture<Boolean> b = CompletableFuture.supplyAsync(s::ensureStarted);
        assertTrue(a.get() ^ b.get(), "exactly one of two concurrent starts enqueued it");
        assertFalse(s.ensureStarted());
        assertEquals(1, pendingOf("pq.scheduler"));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> exec("DELETE FROM " + table() + " WHERE task = 'pq.scheduler'"));
        assertTrue(e.getCause().getMessage().contains("cannot be removed"), e.getCause().getMessage());
        assertThrows(IllegalStateException.class,
                () -> exec("UPDATE " + table() + " SET failed_at = now() WHERE task = 'pq.scheduler'"));
        assertThrows(IllegalStateException.class, () -> exec("INSERT INTO " + table()
                + " (queue, task, data) VALUES ('pq_scheduler', 'pq.scheduler', '{}')"), "a second one is refused too");
        long id = queryLong("SELECT id FROM " + table() + " WHERE task = 'pq.scheduler'");
        dev.pq.PQException cancel = assertThrows(dev.pq.PQException.class, () -> tasks.admin().cancel(id, "no"));
        assertTrue(String.valueOf(cancel.getMessage()).contains("cannot be removed")
                || String.valueOf(cancel.getCause()).contains("cannot be removed"), cancel.toString());
        assertEquals(1, pendingOf("pq.scheduler"), "cancelling it is refused like deleting it");

        s.remove(); // on purpose
        assertEquals(0, pendingOf("pq.scheduler"));
        assertTrue(s.ensureStarted());
    }

    @Test
    void aRunThatFailsHalfway_rollsBackEverything_andItsRetryEnqueuesEachMatchOnce() {
        AtomicInteger enqueues = new AtomicInteger();
        tasks = reportingTasks(Tasks.builder(pq).listener(new JobListener() {
            @Override
            public void beforeEnqueue(EnqueuedJob job) {
                if (job.task().equals("reports.event") && enqueues.incrementAndGet() == 2) {
                    throw new IllegalStateException("the scheduler run dies halfway");
                }
            }
        }).build(), schema);
        start(HOURLY);
        now.set(Instant.parse("2026-12-01T03:30:00Z"));
        makeSchedulerDue();
        await("the failed run's retry", Duration.ofSeconds(30),
                () -> count("SELECT count(*) FROM " + schema + ".queue_scheduler_runs") == 2);
        received("event:each", 3);
        received("daily", 1);
        assertEquals(3, count("SELECT count(*) FROM " + schema + ".queue_scheduler_enqueued WHERE entry = 'event'"),
                "the failed run left no audit row and no job");
    }

    @Test
    void aRestoreFromABackup_resumesFromTheBackupsState_enqueuingWhatFellDueAfterItOnce() throws SQLException {
        start(HOURLY);
        runAt("2026-12-01T01:30:00Z");
        received("event:each", 1);
        closeWorkers(); // the backup at T = 01:30, taken while no worker runs
        String[] tables = {"queue", "queue_scheduler", "queue_scheduler_runs", "queue_scheduler_enqueued", "received"};
        for (String t : tables) {
            TestDatabase.execute("CREATE TABLE " + schema + ".backup_" + t + " AS SELECT * FROM " + schema + "." + t);
        }
        worker();
        runAt("2026-12-01T03:30:00Z"); // on to T + 2 h
        received("event:each", 3);
        closeWorkers();
        try (Connection c = TestDatabase.connect(); var st = c.createStatement()) { // restore the backup
            c.setAutoCommit(false);
            st.execute("SET LOCAL pq.scheduler_removal = 'allow'");
            for (String t : tables) {
                st.execute("DELETE FROM " + schema + "." + t);
                st.execute("INSERT INTO " + schema + "." + t + " SELECT * FROM " + schema + ".backup_" + t);
            }
            c.commit();
        }
        assertEquals(1, count("SELECT count(*) FROM " + schema + ".received WHERE entry = 'event:each'"));
        worker();
        runAt("2026-12-01T03:31:00Z");
        received("event:each", 3); // 02:00 and 03:00 again, once each: the backup did not have them
        received("daily", 2);      // default: the restore's missed matches coalesce into one
    }

    @Test
    void theAuditIsClearedDownToTheNewestRuns_byItsOwnSchedulableTask() {
        Schedule schedule = Schedule.builder()
                .entry("event", e -> e.task("reports.event").cron("* * * * *").everyEvent().args("m"))
                .entry("clear_audit", e -> e.task("pq.scheduler.clear_audit").cron("0 * * * *").args(2))
                .build();
        start(schedule);
        for (int m = 31; m <= 59; m++) {
            runAt("2026-12-01T00:" + m + ":00Z");
        }
        assertEquals(30, count("SELECT count(*) FROM " + schema + ".queue_scheduler_runs")); // the first and 29
        now.set(Instant.parse("2026-12-01T01:00:00Z")); // this run enqueues the clear-down with the minute's event
        makeSchedulerDue();
        await("the audit keeps the newest 2 runs", Duration.ofSeconds(20),
                () -> count("SELECT count(*) FROM " + schema + ".queue_scheduler_runs") == 2);
        assertEquals(2, scheduler(schedule).runs(10).size());
    }
}
