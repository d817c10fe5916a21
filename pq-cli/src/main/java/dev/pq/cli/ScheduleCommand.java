package dev.pq.cli;

import dev.pq.PQ;
import dev.pq.scheduler.EntryStatus;
import dev.pq.scheduler.Schedule;
import dev.pq.scheduler.ScheduleException;
import dev.pq.scheduler.ScheduleProblem;
import dev.pq.scheduler.ScheduledJob;
import dev.pq.scheduler.Scheduler;
import dev.pq.scheduler.SchedulerRunInfo;
import dev.pq.tasks.Tasks;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pq schedule validate|list|audit}: the cron schedule (pq-scheduler) from the command line. */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = "The cron schedule: check a schedule file, list its entries with their last and next runs, "
                + "show what the scheduler enqueued. A worker hosts the scheduler with pq work --schedule FILE.",
        subcommands = {ScheduleCommand.Validate.class, ScheduleCommand.ListEntries.class, ScheduleCommand.Audit.class})
final class ScheduleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: give one of validate, list, audit");
    }

    /** The scheduler of {@code file} over {@code tasks}; a bad file or zone is a usage error listing every problem. */
    static Scheduler scheduler(Tasks tasks, Path file, String zone, CommandLine cmd) {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(cmd, "Invalid value for option '--schedule': '" + file + "': no such file");
        }
        try {
            return Scheduler.builder(tasks).scheduleFile(file).zone(zone(zone, cmd)).build();
        } catch (ScheduleException e) {
            throw new ParameterException(cmd, e.getMessage(), e);
        }
    }

    static ZoneId zone(String zone, CommandLine cmd) {
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new ParameterException(cmd, "Invalid value for option '--zone': '" + zone + "': not a time zone "
                    + "(give an IANA zone such as Europe/Paris or UTC)");
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Checks a schedule file and prints every problem, each naming its entry and field: YAML, "
                    + "unknown keys, cron fields and zones, queues, priorities, and, with the application's tasks "
                    + "(--classpath, --setup), unknown tasks and arguments that do not fit. Exit 0 if valid, 1 if not.")
    static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AppOptions app;

        @Parameters(paramLabel = "FILE", description = "The schedule file.")
        Path file;

        @Override
        public Integer call() throws Exception {
            Logging.configure(PqCommand.logLevel(spec, "warn"));
            PrintWriter out = spec.commandLine().getOut();
            if (!Files.isRegularFile(file)) {
                throw new ParameterException(spec.commandLine(), "Invalid value for parameter 'FILE': '" + file
                        + "': no such file");
            }
            Schedule schedule = Schedule.load(file);
            // validating needs the tasks, not a database: a PQ over a source that never connects
            // validating needs the tasks, not a database: a PQ over a source that never connects
            try (AppOptions.Loaded code = app.load(true, spec.commandLine()); PQ pq = PQ.create(new NoDatabase())) {
                Tasks tasks = Tasks.create(pq);
                code.configure(tasks);
                boolean withTasks = !code.configurers().isEmpty();
                // without the application's tasks, everything but the tasks and their arguments is checked
                List<ScheduleProblem> problems = schedule.validate(tasks).stream()
                        .filter(p -> withTasks || !("task".equals(p.field()) || "args".equals(p.field()))).toList();
                String unchecked = withTasks ? "" : " (tasks and arguments not checked: give the application's "
                        + "--classpath or --setup to check them)";
                if (problems.isEmpty()) {
                    out.printf("%s: valid, %d entries%s%n", file, schedule.entries().size(), unchecked);
                    return 0;
                }
                out.printf("%s: %d problem%s%s%n", file, problems.size(), problems.size() == 1 ? "" : "s", unchecked);
                for (ScheduleProblem p : problems) {
                    out.println("  " + p);
                }
                return 1;
            }
        }
    }

    /** Options of the subcommands that read the database's scheduler. */
    abstract static class WithScheduler implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions db;

        @Mixin
        AppOptions app;

        @Option(names = "--schedule", paramLabel = "FILE", description = "The schedule file (default: -Dpq.schedule, "
                + "the environment variable PQ_SCHEDULE, else pq_schedule.yml).")
        Path file;

        @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC",
                description = "The zone of entries whose cron names none (default: ${DEFAULT-VALUE}).")
        String zone;

        @Override
        public final Integer call() throws Exception {
            Logging.configure(PqCommand.logLevel(spec, "warn"));
            try (AppOptions.Loaded code = app.load(spec.commandLine()); PQ pq = db.open(2)) {
                Tasks tasks = Tasks.create(pq);
                code.configure(tasks);
                return run(scheduler(tasks, file == null ? Schedule.defaultLocation() : file, zone, spec.commandLine()),
                        spec.commandLine().getOut());
            }
        }

        abstract int run(Scheduler scheduler, PrintWriter out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Lists the schedule's entries: cron, task, queue, type, the last job the scheduler enqueued "
                    + "for each, and its next three runs. Times are UTC.")
    static final class ListEntries extends WithScheduler {
        @Override
        int run(Scheduler scheduler, PrintWriter out) {
            Table t = new Table("entry", "cron", "task", "queue", "type", "last run", "next runs");
            for (EntryStatus s : scheduler.status()) {
                t.row(s.entry().name(), s.entry().cron(), s.entry().task(), s.entry().queue() == null ? "(task's)"
                        : s.entry().queue(), s.entry().type().yamlName(), s.lastRun() == null ? "never" : s.lastRun(),
                        s.nextRuns().stream().map(Object::toString).collect(Collectors.joining(", ")));
            }
            if (t.isEmpty()) {
                out.println("the schedule has no entries");
            } else {
                t.print(out);
            }
            return 0;
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Shows the scheduler's recent runs and the jobs they enqueued, newest first. Times are UTC.")
    static final class Audit extends WithScheduler {
        @Option(names = "--entry", paramLabel = "NAME", description = "Only the jobs of this entry.")
        String entry;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "How many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int run(Scheduler scheduler, PrintWriter out) {
            if (limit < 1) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--limit': '" + limit
                        + "': must be at least 1");
            }
            Table runs = new Table("run", "scheduler job", "at", "enqueued");
            for (SchedulerRunInfo r : scheduler.runs(limit)) {
                runs.row(r.id(), r.jobId(), r.runAt(), r.enqueued());
            }
            out.println("Runs");
            if (runs.isEmpty()) {
                out.println("  none yet");
            } else {
                runs.print(out);
            }
            out.println();
            out.println("Enqueued" + (entry == null ? "" : " for " + entry));
            Table jobs = new Table("entry", "job", "task", "queue", "priority", "run time", "args", "run");
            for (ScheduledJob j : scheduler.enqueued(entry, limit)) {
                jobs.row(j.entry(), j.jobId(), j.task(), j.queue(), j.priority(), j.runTime(), j.args(), j.runId());
            }
            if (jobs.isEmpty()) {
                out.println("  none");
            } else {
                jobs.print(out);
            }
            return 0;
        }
    }
}
