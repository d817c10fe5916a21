package dev.pq.tasks;

import dev.pq.tasks.internal.Drainer;
import dev.pq.tasks.internal.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs every ready job of some queues in the calling thread, one after another, through the
 * worker's execution path (Oban's {@code drain_queue}, for tests): each job is locked with a
 * session advisory lock like a worker's, re-checked, run inside the middleware with the tasks'
 * listeners, completed in its transaction, or failed with its task's retry policy: a failing job
 * gets its error count, last error and backoff recorded exactly as a worker records them. A job
 * retried with no delay, or enqueued by a job that ran, is ready again and runs in the same drain;
 * jobs scheduled for later (a retry's backoff too) are not ready and do not run.
 *
 * <pre>{@code
 * Drain drain = Drain.builder(tasks).queues("mail").middleware(tracing).build();
 * orders.place(42);                    // enqueues a "mail" job
 * Drained d = drain.run();             // runs it here; returns when no ready job is left
 * assertEquals(1, d.succeeded());
 * }</pre>
 *
 * <p>Left out, as they belong to a worker's background services: timeouts are not enforced (no
 * watchdog), {@link Admin#cancel} cannot interrupt a drained job, the stats series does not count
 * these runs, queue pauses are ignored, and concurrency and rate limits do not apply. Jobs locked
 * by a running worker are skipped, not waited for.
 */
public final class Drain {
    private final Drainer drainer;
    private final List<String> queues;
    private final int maxRuns;

    private Drain(Drainer drainer, List<String> queues, int maxRuns) {
        this.drainer = drainer;
        this.queues = queues;
        this.maxRuns = maxRuns;
    }

    /** A builder for drains of {@code tasks}' registered tasks. */
    public static Builder builder(Tasks tasks) {
        return new Builder(tasks);
    }

    /** Runs ready jobs until none is left (or {@code maxRuns} ran); returns what happened. */
    public Drained run() {
        Drainer.Result r = drainer.drain(queues, maxRuns);
        return new Drained(r.ran(), r.succeeded(), r.retried(), r.failed());
    }

    /**
     * Settings of a {@link Drain}, validated at {@link #build()}.
     *
     * <pre>{@code
     * Drain.builder(tasks).queues("mail", "billing").middleware(m).maxRuns(100).build();
     * }</pre>
     */
    public static final class Builder {
        private final Tasks tasks;
        private List<String> queues;
        private final List<Middleware> middleware = new ArrayList<>();
        private int maxRuns = 10_000;

        private Builder(Tasks tasks) {
            this.tasks = Objects.requireNonNull(tasks, "tasks");
        }

        /** The queues to drain, by name (default: every queue); jobs of earlier queues run first. */
        public Builder queues(String... queues) {
            this.queues = Arrays.asList(Objects.requireNonNull(queues, "queues")).stream()
                    .map(q -> Objects.requireNonNull(q, "queue")).toList();
            return this;
        }

        /** Adds middleware around every job, as {@link Worker.Builder#middleware} (the first added is the outermost). */
        public Builder middleware(Middleware middleware) {
            this.middleware.add(Objects.requireNonNull(middleware, "middleware"));
            return this;
        }

        /**
         * The most runs one {@link Drain#run()} makes (default 10000), so a job that keeps
         * re-enqueueing itself for now cannot make a test loop forever.
         */
        public Builder maxRuns(int maxRuns) {
            this.maxRuns = maxRuns;
            return this;
        }

        /** Validates the settings and creates the drain. */
        public Drain build() {
            if (maxRuns < 1 || maxRuns > 1_000_000) {
                throw new IllegalArgumentException("maxRuns must be between 1 and 1000000: " + maxRuns);
            }
            if (queues != null) {
                if (queues.isEmpty()) {
                    throw new IllegalArgumentException("queues must name at least one queue (or be left unset for every queue)");
                }
                for (String q : queues) {
                    if (q.isBlank() || q.contains("*") || q.startsWith("!")) {
                        throw new IllegalArgumentException("queues must be queue names, not blank, globs or exclusions: \""
                                + q + "\"");
                    }
                }
            }
            WorkerConfig cfg = new WorkerConfig(List.of("*"), 1, List.of(), Duration.ofSeconds(5), Duration.ZERO, 0,
                    Duration.ofMinutes(30), Duration.ofSeconds(5), 15, middleware, false, Admin.DEAD_AFTER,
                    Duration.ofDays(1), Duration.ofDays(30), Duration.ofMinutes(1), Retention.none(), List.of(), Map.of(),
                    false, null);
            return new Drain(new Drainer(tasks.db(), tasks.registry(), tasks.mapper(), tasks.listeners(), tasks.clock(),
                    cfg), queues == null ? null : List.copyOf(queues), maxRuns);
        }
    }
}
