package dev.pq.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every problem of a schedule at once, each naming the entry and the field; what a user's own test calls. */
class ScheduleValidationTest extends SchedulerTestBase {
    private List<String> problems(String yaml) {
        return Schedule.parse(yaml, "test.yml").validate(tasks).stream().map(ScheduleProblem::toString).toList();
    }

    private static void has(List<String> problems, String expected) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), "expected <" + expected + "> in " + problems);
    }

    @Test
    void aValidFile_hasNoProblem_andItsEntriesReadAsQueSchedulerDoes() {
        String yaml = """
                daily_report:
                  cron: "0 7 * * * America/Los_Angeles"
                  class: reports.daily
                  queue: reporting
                  priority: 25
                  args: ['open']
                nightly:
                  cron: "@daily"
                  task: reports.event
                  schedule_type: every_event
                  args: ["full"]
                """;
        assertEquals(List.of(), problems(yaml));
        Schedule s = Schedule.parse(yaml, "test.yml");
        ScheduleEntry daily = s.entry("daily_report");
        assertEquals(new ScheduleEntry("daily_report", "reports.daily", "0 7 * * * America/Los_Angeles", "reporting", 25,
                List.of("open"), ScheduleType.DEFAULT), daily);
        assertEquals(ScheduleType.EVERY_EVENT, s.entry("nightly").type());
        assertEquals("nightly", new ScheduleEntry("nightly", null, "@daily", null, null, null, null).task(),
                "the task defaults to the entry's name");
    }

    @Test
    void everyProblemIsReportedAtOnce_namingTheEntryAndTheField() {
        List<String> p = problems("""
                unknown_task:
                  cron: "0 7 * * *"
                  task: reports.weekly
                bad_cron:
                  cron: "0 25 * * *"
                  task: reports.daily
                  args: [x]
                bad_zone:
                  cron: "0 7 * * * Mars/Olympus"
                  task: reports.daily
                  args: [x]
                bad_queue:
                  cron: "@hourly"
                  task: reports.daily
                  queue: 42
                  args: [x]
                bad_priority:
                  cron: "@hourly"
                  task: reports.daily
                  priority: high
                  args: [x]
                bad_type:
                  cron: "@hourly"
                  task: reports.daily
                  schedule_type: sometimes
                  args: [x]
                typo:
                  cron: "@hourly"
                  task: reports.daily
                  schedule_typ: every_event
                  args: [x]
                no_cron:
                  task: reports.daily
                  args: [x]
                wrong_args:
                  cron: "@hourly"
                  task: reports.daily
                  args: [a, b]
                event_without_time:
                  cron: "@hourly"
                  task: reports.daily
                  schedule_type: every_event
                  args: [x]
                """);
        has(p, "entry \"unknown_task\", task: unknown task \"reports.weekly\"");
        has(p, "entry \"bad_cron\", cron: \"0 25 * * *\" is not a valid cron expression");
        has(p, "entry \"bad_zone\", cron: bad zone: \"Mars/Olympus\" is not a time zone");
        has(p, "entry \"bad_queue\", queue: must be a string: 42");
        has(p, "entry \"bad_priority\", priority: must be an integer");
        has(p, "entry \"bad_type\", schedule_type: unknown \"sometimes\": give default or every_event");
        has(p, "entry \"typo\", schedule_typ: unknown key: did you mean \"schedule_type\"?");
        has(p, "entry \"no_cron\", cron: missing");
        has(p, "entry \"wrong_args\", args: task reports.daily(java.lang.String, dev.pq.tasks.JobContext) takes 1 "
                + "argument, got 2");
        has(p, "entry \"event_without_time\", args: task reports.daily");
        has(p, "every_event passes the match time first");
        assertEquals(10, p.size(), String.join("\n", p));
    }

    @Test
    void aFileThatIsNotASchedule_saysSo() {
        has(problems("- a list\n- of things\n"), "the file must map entry names to their settings");
        has(problems("daily: \"0 7 * * *\"\n"), "entry \"daily\": must be a mapping of settings");
        has(problems("a:\n  cron: [unclosed\n"), "not valid YAML");
        has(problems("a:\n  cron: \"@daily\"\na:\n  cron: \"@hourly\"\n"), "not valid YAML");
        assertEquals(List.of(), problems(""), "an empty file is an empty schedule");
    }

    @Test
    void check_throwsEveryProblemInOneException_forAProjectsOwnTest() {
        Schedule s = Schedule.builder()
                .entry("a", e -> e.task("reports.daily").cron("not cron").args("x"))
                .entry("b", e -> e.task("nope").cron("@daily"))
                .build();
        ScheduleException e = assertThrows(ScheduleException.class, () -> s.check(tasks));
        assertEquals(2, e.problems().size());
        assertTrue(e.getMessage().contains("the schedule code has 2 problems"), e.getMessage());
        assertThrows(ScheduleException.class, () -> scheduler(s), "a scheduler refuses an invalid schedule at build()");
        assertEquals(List.of("a", "b"), e.problems().stream().map(ScheduleProblem::entry).collect(Collectors.toList()));
    }
}
