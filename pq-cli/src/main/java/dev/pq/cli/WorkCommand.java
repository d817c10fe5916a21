package dev.pq.cli;

import dev.pq.PQ;
import dev.pq.scheduler.Scheduler;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pq work}: runs a Que-style worker over the application's tasks until SIGTERM/SIGINT, or
 * with {@code --drain} until the queues are empty.
 */
@Command(name = "work", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Works jobs: loads the application's tasks (--classpath and --setup, or ServiceLoader), "
                + "then runs them until SIGTERM/SIGINT (graceful: running jobs get --wait-period to finish), "
                + "or with --drain until the queues are empty."},
        footer = {"", "Example:",
                "  pq work --url postgres://app@localhost/app \\",
                "          --classpath app.jar --setup com.acme.Setup \\",
                "          -q 'critical,*,!low' --worker-count 8 --worker-priorities 10,30,any"})
final class WorkCommand implements Callable<Integer> {
    /** The worker builder's settings that have a flag here: its messages name them, the user knows the flags. */
    private static final java.util.Map<String, String> FLAGS = java.util.Map.of("workerCount", "--worker-count",
            "workerPriorities", "--worker-priorities", "pollInterval", "--poll-interval", "waitPeriod", "--wait-period",
            "maximumBufferSize", "--maximum-buffer-size", "jobTimeout", "--job-timeout",
            "unknownTaskRetries", "--unknown-task-retries", "queue list", "--queue");

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions db;

    @Option(names = {"-q", "--queue"}, paramLabel = "QUEUE", split = ",", defaultValue = "*",
            description = "Queues in priority order, repeatable or comma-separated (Resque's list): names, * for all, "
                    + "globs (file_*), exclusions (!low, !file_*) (default: ${DEFAULT-VALUE}).")
    List<String> queues = new ArrayList<>();

    @Option(names = "--worker-count", paramLabel = "N", defaultValue = "6",
            description = "Worker threads (default: ${DEFAULT-VALUE}).")
    int workerCount;

    @Option(names = "--worker-priorities", paramLabel = "P", split = ",",
            description = "Que's worker priorities, e.g. 10,30,50,any: thread i takes only jobs of priority <= P "
                    + "(lower is more important); 'any' and threads beyond the list take every job. "
                    + "At most --worker-count entries (default: all any).")
    List<String> workerPriorities = new ArrayList<>();

    @Option(names = "--poll-interval", paramLabel = "SECONDS", defaultValue = "5",
            description = "Longest wait between looks for jobs, the fallback to LISTEN/NOTIFY; seconds, decimals "
                    + "allowed, or with a unit: 500ms, 1m (default: ${DEFAULT-VALUE}).")
    String pollInterval;

    @Option(names = "--wait-period", paramLabel = "SECONDS", defaultValue = "10",
            description = "On shutdown, how long running jobs may finish before they are interrupted "
                    + "(default: ${DEFAULT-VALUE}).")
    String waitPeriod;

    @Option(names = "--maximum-buffer-size", paramLabel = "N",
            description = "Jobs locked ahead of the idle threads, a fixed number (default: adaptive, at most 100: "
                    + "what the threads start within a few ms, from measured run times).")
    Integer maximumBufferSize;

    @Option(names = "--job-timeout", paramLabel = "DURATION", defaultValue = "30m",
            description = "Default run-time limit of a job (a task's @Task(timeout) overrides it); seconds or with a "
                    + "unit (default: ${DEFAULT-VALUE}).")
    String jobTimeout;

    @Option(names = "--unknown-task-retries", paramLabel = "N", defaultValue = "15",
            description = "Retries, with Que's backoff, of a job whose task this worker does not know (a newer "
                    + "version may, during a rolling deploy) before it is marked failed; 0 fails it at once "
                    + "(default: ${DEFAULT-VALUE}).")
    int unknownTaskRetries;

    @Option(names = "--schedule", paramLabel = "FILE",
            description = "Also host the scheduler (que-scheduler): enqueue the jobs of this schedule file at their "
                    + "cron times; the file is read again when it changes. Every worker may be given it: one "
                    + "scheduler job runs, on whichever worker locks it.")
    java.nio.file.Path schedule;

    @Option(names = "--schedule-zone", paramLabel = "ZONE", defaultValue = "UTC",
            description = "With --schedule: the zone of entries whose cron names none (default: ${DEFAULT-VALUE}).")
    String zone;

    @Option(names = "--drain",
            description = "Work until the queues have no ready job, then exit 0 (Resque's INTERVAL=0).")
    boolean drain;

    @Mixin
    AppOptions app;

    @Mixin
    WorkLimits limits;

    @Option(names = "--pidfile", paramLabel = "FILE",
            description = "Write the process id here at start; removed at exit.")
    Path pidfile;

    /** The effective settings, checked. */
    private record Settings(List<String> queues, List<Integer> priorities, Duration pollInterval,
                            Duration waitPeriod, Duration jobTimeout) {
    }

    @Override
    public Integer call() throws Exception {
        Logging.configure(PqCommand.logLevel(spec, "info"));
        Settings s = parse();
        Logger log = LoggerFactory.getLogger(WorkCommand.class);
        PrintWriter out = spec.commandLine().getOut();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (AppOptions.Loaded code = app.load(spec.commandLine())) {
            Thread.currentThread().setContextClassLoader(code.code().loader());
            // threads + locker + listener + completer + heartbeat, and a spare
            try (PQ pq = db.open(Math.max(1, workerCount) + 5)) {
                Tasks tasks = Tasks.create(pq);
                Worker.Builder builder = builder(tasks, s);
                code.configure(tasks);
                if (schedule != null) {
                    Scheduler scheduler = ScheduleCommand.scheduler(tasks, schedule, zone, spec.commandLine());
                    scheduler.ensureStarted();
                    if (!new java.util.HashSet<>(s.queues()).contains("*")) {
                        List<String> q = new ArrayList<>(s.queues());
                        q.add(Scheduler.QUEUE); // the scheduler job's queue, worked here too
                        builder.queues(q);
                    }
                    log.info("hosting the scheduler: {} ({} entries)", schedule, scheduler.schedule().entries().size());
                }
                return run(build(builder), log, out);
            }
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** The worker's builder with the flags' settings; {@link #build} checks them. */
    private Worker.Builder builder(Tasks tasks, Settings s) {
        Worker.Builder b = Worker.builder(tasks)
                .queues(s.queues())
                .workerCount(workerCount)
                .workerPriorities(s.priorities().toArray(Integer[]::new))
                .pollInterval(s.pollInterval())
                .waitPeriod(s.waitPeriod())
                .jobTimeout(s.jobTimeout())
                .unknownTaskRetries(unknownTaskRetries);
        if (maximumBufferSize != null) {
            b.maximumBufferSize(maximumBufferSize);
        }
        try {
            limits.apply(b);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage(), e);
        }
        build(b); // the builder checks the settings before the tasks are configured
        return b;
    }

    private Worker build(Worker.Builder b) {
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage(), e);
        }
    }

    /** The builder's message, with its setting names turned into this command's flags. */
    private ParameterException usage(String message, Exception cause) {
        String flag = null;
        int first = Integer.MAX_VALUE;
        String text = message;
        for (java.util.Map.Entry<String, String> f : FLAGS.entrySet()) {
            int at = message.indexOf(f.getKey());
            if (at >= 0 && at < first) {
                first = at;
                flag = f.getValue();
            }
            if (!f.getKey().contains(" ")) {
                text = text.replace(f.getKey(), f.getValue());
            }
        }
        if ("--poll-interval".equals(flag) && Duration.ZERO.equals(parsedOrNull(pollInterval))) {
            text += " (to work until the queues are empty, use --drain)";
        }
        return new ParameterException(spec.commandLine(), (flag == null ? "Invalid worker settings: "
                : "Invalid value for option '" + flag + "': ") + text, cause);
    }

    private static Duration parsedOrNull(String d) {
        try {
            return Durations.parse(d);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private int run(Worker worker, Logger log, PrintWriter out) throws InterruptedException {
        Pidfile pid = pidfile == null ? null : Pidfile.write(pidfile, spec.commandLine());
        Thread hook = new Thread(() -> {
            log.info("signal received: stopping the worker (running jobs get {} to finish)", waitPeriod);
            worker.close();
            if (pid != null) {
                pid.delete();
            }
        }, "pq-cli-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            worker.start();
            log.info("signals: {} (TERM and INT stop the worker, running jobs getting {} to finish)",
                    String.join(", ", WorkerSignals.install(worker).describe()), waitPeriod);
            if (drain) {
                while (!worker.awaitDrained(Duration.ofHours(1))) {
                    log.info("draining: {} jobs processed so far", worker.processed());
                }
            } else {
                worker.awaitTermination();
            }
        } finally {
            worker.close(); // a no-op when a signal closed it
            if (pid != null) {
                pid.delete();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook is running or has run
            }
        }
        worker.awaitTermination(); // the shutdown hook may still be closing it
        if (drain) {
            out.printf(Locale.ROOT, "drained: %d jobs processed, %d failed%n", worker.processed(), worker.failed());
            out.flush();
        }
        return 0;
    }

    /** Turns the flags into typed settings; the worker's builder checks their values. */
    private Settings parse() {
        List<Integer> priorities = new ArrayList<>();
        for (String p : workerPriorities) {
            String v = p.strip().toLowerCase(Locale.ROOT);
            if (v.equals("any")) {
                priorities.add(null);
                continue;
            }
            try {
                priorities.add(Integer.parseInt(v));
            } catch (NumberFormatException e) {
                throw bad("--worker-priorities", p, "give integer priorities or 'any', e.g. 10,30,50,any");
            }
        }
        List<String> q = queues.stream().map(String::strip).toList();
        return new Settings(q, priorities, duration("--poll-interval", pollInterval),
                duration("--wait-period", waitPeriod), duration("--job-timeout", jobTimeout));
    }

    private Duration duration(String flag, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw bad(flag, value, e.getMessage());
        }
    }

    private ParameterException bad(String flag, Object value, String why) {
        return new ParameterException(spec.commandLine(),
                "Invalid value for option '" + flag + "': '" + value + "': " + why);
    }
}
