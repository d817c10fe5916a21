package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.Tasks;
import dev.pq.testing.PgTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pq schedule validate|list|audit} and {@code pq work --schedule}, run as a user runs them. */
class ScheduleCommandTest extends PgTest {
    private static final String GOOD = """
            nap:
              cron: "*/5 * * * *"
              task: Sleep
              args: 1
            nightly_boom:
              cron: "0 3 * * * Europe/Paris"
              task: Boom
              queue: boom
              schedule_type: every_event
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void tasks() {
        TestSetup.reset();
        TestSetup.register(Tasks.create(pq));
    }

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("pq_schedule.yml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void validate_aGoodFile_exitsZero_sayingHowManyEntries() throws Exception {
        Cli.Result r = Cli.run("schedule", "validate", "--setup", TestSetup.class.getName(), file(GOOD).toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("valid, 2 entries"), r.out());
    }

    @Test
    void validate_aBadFile_exitsOne_listingEveryProblemWithItsEntryAndField() throws Exception {
        Path f = file("""
                nap:
                  cron: "*/5 * * * *"
                  task: Sleep
                  args: 1
                  schedule_typ: every_event
                typo_task:
                  cron: "0 7 * * *"
                  task: Sleeep
                bad_cron:
                  cron: "0 25 * * *"
                  task: Boom
                bad_zone:
                  cron: "0 7 * * * Mars/Olympus"
                  task: Boom
                """);
        Cli.Result r = Cli.run("schedule", "validate", "--setup", TestSetup.class.getName(), f.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.out().contains("4 problems"), r.out());
        for (String expected : List.of("nap", "schedule_typ", "did you mean \"schedule_type\"", "typo_task", "Sleeep",
                "bad_cron", "bad_zone", "Mars/Olympus")) {
            assertTrue(r.out().contains(expected), "expected <" + expected + "> in\n" + r.out());
        }
    }

    @Test
    void validate_withoutTheApplicationsTasks_checksEverythingElse_andSaysTasksWereNotChecked() throws Exception {
        Cli.Result good = Cli.run("schedule", "validate", file(GOOD).toString());
        assertEquals(0, good.code(), good.toString());
        assertTrue(good.out().contains("valid, 2 entries (tasks and arguments not checked"), good.out());
        Cli.Result bad = Cli.run("schedule", "validate", file("""
                nap:
                  cron: "*/5 * * * * Nowhere/Land"
                  task: NoSuchTask
                """).toString());
        assertEquals(1, bad.code(), bad.toString());
        assertTrue(bad.out().contains("1 problem (tasks and arguments not checked") && bad.out().contains("Nowhere/Land"),
                bad.out());
        assertTrue(!bad.out().contains("NoSuchTask"), bad.out());
    }

    @Test
    void validate_aMissingFile_isAUsageError() {
        Cli.Result r = Cli.run("schedule", "validate", dir.resolve("nope.yml").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("no such file"), r.err());
    }

    @Test
    void list_showsEachEntry_withItsNextThreeRuns() throws Exception {
        Cli.Result r = Cli.db(schema, List.of("schedule", "list"), "--setup", TestSetup.class.getName(),
                "--schedule", file(GOOD).toString());
        assertEquals(0, r.code(), r.toString());
        String nap = r.out().lines().filter(l -> l.startsWith("nap")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        assertTrue(nap.contains("*/5 * * * *") && nap.contains("Sleep") && nap.contains("never"), nap);
        assertEquals(3, nap.chars().filter(ch -> ch == 'Z').count(), "three next runs in " + nap);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("nightly_boom") && l.contains("every_event")), r.out());
    }

    @Test
    void workWithSchedule_hostsTheScheduler_whoseRunTheAuditShows() throws Exception {
        Path f = file(GOOD);
        Cli.Result w = Cli.db(schema, List.of("work"), "--setup", TestSetup.class.getName(), "--schedule", f.toString(),
                "--drain");
        assertEquals(0, w.code(), w.toString());
        assertEquals(1L, queryLong("SELECT count(*) FROM " + schema + ".queue WHERE task = 'pq.scheduler' "
                + "AND finished_at IS NULL AND failed_at IS NULL"), "the successor waits for the next minute");
        Cli.Result a = Cli.db(schema, List.of("schedule", "audit"), "--setup", TestSetup.class.getName(),
                "--schedule", f.toString());
        assertEquals(0, a.code(), a.toString());
        assertTrue(a.out().contains("Runs") && !a.out().contains("none yet"), "the first run is recorded:\n" + a.out());
    }

    @Test
    void workWithAnInvalidSchedule_refusesToStart_listingTheProblems() throws Exception {
        Path f = file("""
                nap:
                  cron: "61 * * * *"
                  task: Sleep
                """);
        Cli.Result w = Cli.db(schema, List.of("work"), "--setup", TestSetup.class.getName(), "--schedule", f.toString(),
                "--drain");
        assertEquals(2, w.code(), w.toString());
        assertTrue(w.err().contains("nap") && w.err().contains("cron"), w.err());
    }
}
