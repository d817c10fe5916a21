package dev.pq.scheduler;

import dev.pq.internal.Identifiers;
import dev.pq.scheduler.internal.Cron;
import dev.pq.scheduler.internal.ScheduleYaml;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.TaskNotFoundException;
import dev.pq.tasks.Tasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A cron schedule: named entries, each a task to enqueue at its cron times (que-scheduler's
 * schedule file, or the same built in code). Loading never throws for a bad entry:
 * {@link #validate(Tasks)} reports every problem at once, and {@link #check(Tasks)} throws them
 * all in one {@link ScheduleException}, so a project's own test can guard its schedule:
 *
 * <pre>{@code
 * @Test
 * void theScheduleIsValid() {
 *     Schedule.load(Path.of("pq_schedule.yml")).check(MyTasks.registerAll(Tasks.create(pq)));
 * }
 *
 * Schedule.builder()
 *         .entry("daily_report", e -> e.task(Reports.class).cron("0 7 * * * America/Los_Angeles"))
 *         .entry("nightly_batch", e -> e.task("Batches.run").cron("0 3 * * *").everyEvent().args("full"))
 *         .build();
 * }</pre>
 */
public final class Schedule {
    /** The file the worker reads when none is named: {@code pq_schedule.yml} in the working directory. */
    public static final String DEFAULT_FILE = "pq_schedule.yml";
    /** The system property naming the schedule file (wins over the environment variable). */
    public static final String PROPERTY = "pq.schedule";
    /** The environment variable naming the schedule file. */
    public static final String ENV = "PQ_SCHEDULE";

    private final String source;
    private final List<ScheduleEntry> entries;
    private final List<ScheduleProblem> readProblems;

    private Schedule(String source, List<ScheduleEntry> entries, List<ScheduleProblem> readProblems) {
        this.source = source;
        this.entries = List.copyOf(entries);
        this.readProblems = List.copyOf(readProblems);
    }

    /** Reads a schedule file. */
    public static Schedule load(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schedule file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a schedule from YAML text; {@code source} names it in messages. */
    public static Schedule parse(String yaml, String source) {
        ScheduleYaml.Parsed p = ScheduleYaml.parse(yaml);
        return new Schedule(source, p.entries(), p.problems());
    }

    /**
     * The schedule file to use when none is given: the system property {@value #PROPERTY}, else the
     * environment variable {@value #ENV}, else {@value #DEFAULT_FILE}.
     */
    public static Path defaultLocation() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(ENV);
        }
        return Path.of(p == null || p.isBlank() ? DEFAULT_FILE : p);
    }

    /** Where this schedule came from (a file, or "code"). */
    public String source() {
        return source;
    }

    public List<ScheduleEntry> entries() {
        return entries;
    }

    /** The entry named {@code name}, or null. */
    public ScheduleEntry entry(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }

    /** The entry's cron, parsed in its zone ({@code defaultZone} unless it names one). */
    static Cron cron(ScheduleEntry entry, ZoneId defaultZone) {
        return Cron.parse(entry.cron(), defaultZone);
    }

    /** The next {@code n} times {@code entry} runs after {@code after}. */
    public static List<Instant> nextRuns(ScheduleEntry entry, ZoneId defaultZone, Instant after, int n) {
        return cron(entry, defaultZone).next(after, n);
    }

    /**
     * Every problem of this schedule against {@code tasks} (what the worker hosting the scheduler
     * registers): unreadable YAML, unknown keys, invalid cron fields or zone, unknown tasks,
     * arguments that do not fit the task, bad queues and priorities, duplicate names. Empty if fine.
     */
    public List<ScheduleProblem> validate(Tasks tasks) {
        Objects.requireNonNull(tasks, "tasks");
        List<ScheduleProblem> out = new ArrayList<>(readProblems);
        Set<String> names = new HashSet<>();
        for (ScheduleEntry e : entries) {
            if (!names.add(e.name())) {
                out.add(new ScheduleProblem(e.name(), null, "a second entry with this name"));
            }
            if (e.cron().isBlank()) {
                out.add(new ScheduleProblem(e.name(), "cron", "missing: give five fields (minute hour day-of-month "
                        + "month day-of-week) or @yearly, @monthly, @weekly, @daily, @hourly"));
            } else if (!e.cron().equals("?")) { // "?": not a string, reported when read
                try {
                    cron(e, ZoneId.of("UTC"));
                } catch (Cron.ZoneException x) {
                    out.add(new ScheduleProblem(e.name(), "cron", "bad zone: " + x.getMessage()));
                } catch (IllegalArgumentException x) {
                    out.add(new ScheduleProblem(e.name(), "cron", x.getMessage()));
                }
            }
            if (e.queue() != null) {
                try {
                    Identifiers.queueName(e.queue());
                } catch (IllegalArgumentException x) {
                    out.add(new ScheduleProblem(e.name(), "queue", x.getMessage()));
                }
            }
            if (e.priority() != null && (e.priority() < Short.MIN_VALUE || e.priority() > Short.MAX_VALUE)) {
                out.add(new ScheduleProblem(e.name(), "priority", "must be between -32768 and 32767: " + e.priority()));
            }
            List<Object> args = new ArrayList<>(e.args());
            if (e.type() == ScheduleType.EVERY_EVENT) {
                args.add(0, Instant.EPOCH.toString()); // every_event jobs get their match time first
            }
            try {
                tasks.checkArgs(e.task(), args.toArray());
            } catch (TaskNotFoundException x) {
                out.add(new ScheduleProblem(e.name(), "task", "unknown task \"" + e.task() + "\": register it on the "
                        + "Tasks of the worker that runs the scheduler (known: " + tasks.taskNames() + ")"));
            } catch (RuntimeException x) {
                out.add(new ScheduleProblem(e.name(), "args", x.getMessage()
                        + (e.type() == ScheduleType.EVERY_EVENT ? " (every_event passes the match time first)" : "")));
            }
        }
        return out;
    }

    /** Throws every problem {@link #validate} finds, in one {@link ScheduleException}; returns this schedule if none. */
    public Schedule check(Tasks tasks) {
        List<ScheduleProblem> problems = validate(tasks);
        if (!problems.isEmpty()) {
            throw new ScheduleException(source, problems);
        }
        return this;
    }

    @Override
    public String toString() {
        return "Schedule[" + source + ", " + entries.size() + " entries]";
    }

    /** A schedule built in code. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Schedule} in code; {@link Schedule#validate} reports its problems as for a file. */
    public static final class Builder {
        private final List<ScheduleEntry> entries = new ArrayList<>();

        private Builder() {
        }

        /** Adds the entry {@code name}, set by {@code settings}. */
        public Builder entry(String name, Consumer<Entry> settings) {
            Entry e = new Entry(Objects.requireNonNull(name, "name"));
            settings.accept(e);
            entries.add(e.build());
            return this;
        }

        public Schedule build() {
            return new Schedule("code", entries, List.of());
        }
    }

    /** The settings of one entry built in code. */
    public static final class Entry {
        private final String name;
        private String task;
        private String cron = "";
        private String queue;
        private Integer priority;
        private List<Object> args = List.of();
        private ScheduleType type = ScheduleType.DEFAULT;

        private Entry(String name) {
            this.name = name;
        }

        /** The task by its registered name ({@code Orchard.eat}, a job class's name); default: the entry's name. */
        public Entry task(String task) {
            this.task = Objects.requireNonNull(task, "task");
            return this;
        }

        /** A job class: its task name ({@code @Task(name)} or its simple name). */
        public Entry task(Class<? extends JobHandler<?>> jobClass) {
            dev.pq.tasks.Task t = jobClass.getAnnotation(dev.pq.tasks.Task.class);
            this.task = t != null && !t.name().isEmpty() ? t.name() : jobClass.getSimpleName();
            return this;
        }

        /** Five cron fields or a nickname, optionally followed by an IANA zone. */
        public Entry cron(String cron) {
            this.cron = Objects.requireNonNull(cron, "cron");
            return this;
        }

        public Entry queue(String queue) {
            this.queue = Objects.requireNonNull(queue, "queue");
            return this;
        }

        public Entry priority(int priority) {
            this.priority = priority;
            return this;
        }

        /** The positional arguments. */
        public Entry args(Object... args) {
            this.args = Arrays.asList(args);
            return this;
        }

        public Entry type(ScheduleType type) {
            this.type = Objects.requireNonNull(type, "type");
            return this;
        }

        /** {@link ScheduleType#EVERY_EVENT}: one job per match, its time the first argument. */
        public Entry everyEvent() {
            return type(ScheduleType.EVERY_EVENT);
        }

        private ScheduleEntry build() {
            return new ScheduleEntry(name, task, cron, queue, priority, args, type);
        }
    }
}
