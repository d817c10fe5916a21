package dev.pq.cli;

import dev.pq.tasks.Worker;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Resque's worker signals for {@code pq work}, as far as the JVM lets a program take them:
 * {@code USR2} pauses this worker (no new job starts; jobs waiting in its buffer are released for
 * other workers), {@code CONT} resumes it, {@code HUP} lets the running jobs finish however long
 * they take and then exits (Resque's {@code QUIT}: the JVM keeps {@code QUIT} for its thread
 * dumps). {@code TERM} and {@code INT} stay the shutdown hook's: running jobs get the wait period.
 */
final class WorkerSignals {
    private static final Logger log = LoggerFactory.getLogger(WorkerSignals.class);

    private final List<String> installed = new ArrayList<>();

    private WorkerSignals() {
    }

    /** Installs the handlers for {@code worker}; a signal this system lacks (Windows) is skipped, and logged. */
    static WorkerSignals install(Worker worker) {
        WorkerSignals s = new WorkerSignals();
        s.handle("USR2", () -> {
            log.info("USR2 received: pausing this worker (running jobs finish; no new job starts until CONT)");
            worker.pause();
        });
        s.handle("CONT", () -> {
            if (worker.paused()) {
                log.info("CONT received: resuming this worker");
                worker.resume();
            }
        });
        s.handle("HUP", () -> {
            log.info("HUP received: finishing the running jobs ({}), then exiting", worker.running());
            worker.pause();
            Thread finisher = new Thread(() -> {
                try {
                    worker.awaitIdle();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                worker.close();
            }, "pq-cli-finish");
            finisher.setDaemon(true);
            finisher.start();
        });
        return s;
    }

    private void handle(String name, Runnable action) {
        try {
            sun.misc.SignalHandler before = Signal.handle(new Signal(name), sig -> action.run());
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                // the JVM keeps a signal ignored at its start (nohup does that to HUP): say so, not pretend
                log.warn("signal {} was ignored when this process started (nohup?): it does nothing here; "
                        + "TERM stops the worker gracefully", name);
                return;
            }
            installed.add(name);
        } catch (IllegalArgumentException e) {
            log.debug("signal {} not available here: {}", name, e.getMessage());
        }
    }

    /** The signals installed and what they do, for the log. */
    List<String> describe() {
        return installed.stream().map(n -> n + switch (n) {
            case "USR2" -> " pauses";
            case "CONT" -> " resumes";
            default -> " finishes the running jobs, then exits";
        }).toList();
    }
}
