package dev.pq.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pq.PQ;
import dev.pq.tasks.Admin;
import dev.pq.tasks.Drain;
import dev.pq.tasks.Drained;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.JobInfo;
import dev.pq.tasks.Middleware;
import dev.pq.tasks.TaskCalls;
import dev.pq.tasks.Tasks;
import dev.pq.test.internal.JsonMatch;
import dev.pq.test.internal.KitSql;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One test's view of its pq schema: the jobs enqueued, assertions on them, draining them in the
 * test's thread, and moving scheduled jobs' time. {@link PqExtension} injects it (one per test
 * method; the schema is emptied before each test).
 *
 * <pre>{@code
 * @Test
 * void order_mailsTheReceipt(PqKit kit, Tasks tasks) {
 *     tasks.register(Mailer.class, mailer);
 *     new Orders(tasks).place(42);
 *     kit.assertEnqueued("Mailer.receipt", 42);      // stored, not run yet
 *     Drained d = kit.drain("mail");                 // runs it here, through the worker's path
 *     assertEquals(1, d.succeeded());
 *     kit.assertEnqueuedCount(0);
 * }
 * }</pre>
 *
 * <p><b>Time.</b> The database decides when a job is due ({@code schedule_at <= now()}), and its
 * clock cannot be moved. {@link #advance(Duration)} moves the jobs instead: every pending job not
 * yet due, and every live unique period, becomes due that much earlier. Nothing else moves: not
 * the database's {@code now()}, not {@code Tasks.clock()} (the system clock, so a retry's backoff
 * is counted from the real time the database compares it with), not failed or finished jobs'
 * timestamps, not cron schedules of pq-scheduler. A clock set with {@code
 * PqExtension.builder().tasks(b -> b.clock(c))} is what retries are counted from: keep it near the
 * real time, or retries come due at once (a clock behind) or far too late (a clock ahead).
 */
public final class PqKit {
    private static final int PAGE = 500;

    private final PQ pq;
    private final Tasks tasks;
    private final String schema;
    private final boolean inline;
    private final List<Middleware> middleware;
    private final KitSql sql;
    private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    PqKit(PQ pq, Tasks tasks, String schema, List<Middleware> middleware, KitSql sql) {
        this.pq = pq;
        this.tasks = tasks;
        this.schema = schema;
        this.inline = tasks.inline();
        this.middleware = List.copyOf(middleware);
        this.sql = sql;
    }

    /** The test class's PQ (on its own schema). */
    public PQ pq() {
        return pq;
    }

    /** This test's tasks layer (inline or not, as the test chose); register implementations on it. */
    public Tasks tasks() {
        return tasks;
    }

    /** The test class's schema. */
    public String schema() {
        return schema;
    }

    /** True if this test's {@link #tasks()} runs jobs inline. */
    public boolean inline() {
        return inline;
    }

    /** Every pending job (ready ones first, in dequeue order, then scheduled ones, soonest first). */
    public List<QueuedJob> enqueued() {
        return enqueued(null);
    }

    /** The pending jobs of {@code queue}, as {@link #enqueued()}. */
    public List<QueuedJob> enqueued(String queue) {
        Admin admin = tasks.admin();
        List<QueuedJob> out = new ArrayList<>();
        for (boolean scheduled : new boolean[] {false, true}) {
            for (int offset = 0; ; offset += PAGE) {
                List<JobInfo> page = scheduled ? admin.scheduled(queue, PAGE, offset) : admin.ready(queue, PAGE, offset);
                for (JobInfo j : page) {
                    out.add(new QueuedJob(j.id(), j.queue(), j.task(), j.priority(), j.runAt(),
                            j.state() == JobInfo.State.SCHEDULED, j.errorCount(), j.json(), JsonMatch.parse(mapper, j.json())));
                }
                if (page.size() < PAGE) {
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Asserts that a job of {@code task} with exactly these arguments is pending (arguments converted
     * as enqueueing converts them when the task is registered, else written by their own types);
     * returns the first such job. The failure lists every pending job.
     */
    public QueuedJob assertEnqueued(String task, Object... args) {
        JsonNode want = expected(task, args);
        return found(task, want, "with arguments " + render(want));
    }

    /** Asserts that a job of {@code jobClass} with {@code args} is pending; returns the first such job. */
    public <A> QueuedJob assertEnqueued(Class<? extends JobHandler<A>> jobClass, A args) {
        JsonNode want = JsonMatch.parse(mapper, TaskCalls.json(tasks, jobClass, args));
        return found(TaskCalls.name(tasks, jobClass), want, "with arguments " + render(want));
    }

    /** Asserts that some job of {@code task} is pending, whatever its arguments; returns the first. */
    public QueuedJob assertAnyEnqueued(String task) {
        return found(task, null, "(any arguments)");
    }

    /** Asserts that no pending job is of {@code task} with exactly these arguments. */
    public void assertNotEnqueued(String task, Object... args) {
        JsonNode want = expected(task, args);
        absent(task, want, "with arguments " + render(want));
    }

    /** Asserts that no pending job is of {@code jobClass} with {@code args}. */
    public <A> void assertNotEnqueued(Class<? extends JobHandler<A>> jobClass, A args) {
        JsonNode want = JsonMatch.parse(mapper, TaskCalls.json(tasks, jobClass, args));
        absent(TaskCalls.name(tasks, jobClass), want, "with arguments " + render(want));
    }

    /** Asserts that no pending job is of {@code task}, whatever its arguments. */
    public void assertNoneEnqueued(String task) {
        absent(task, null, "(any arguments)");
    }

    /** Asserts that exactly {@code n} jobs are pending (every queue). */
    public void assertEnqueuedCount(int n) {
        assertEnqueuedCount(null, n);
    }

    /** Asserts that exactly {@code n} jobs of {@code queue} are pending. */
    public void assertEnqueuedCount(String queue, int n) {
        List<QueuedJob> all = enqueued(queue);
        if (all.size() != n) {
            throw new AssertionError("expected " + n + " pending job" + (n == 1 ? "" : "s")
                    + (queue == null ? "" : " in queue " + queue) + ", found " + all.size() + listing(all));
        }
    }

    /** Runs every ready job of every queue in this thread ({@link Drain}); returns what happened. */
    public Drained drain() {
        return drain(null, false);
    }

    /** Runs every ready job of {@code queue} in this thread. */
    public Drained drain(String queue) {
        return drain(queue, false);
    }

    /**
     * Runs every ready job of {@code queue} (null: every queue) in this thread; with {@code
     * withScheduled}, the jobs scheduled for later are made due first (Oban's {@code with_scheduled}).
     * A retry's backoff set during this drain is not: that job stays scheduled.
     */
    public Drained drain(String queue, boolean withScheduled) {
        if (withScheduled) {
            sql.promote(queue);
        }
        Drain.Builder b = Drain.builder(tasks);
        if (queue != null) {
            b.queues(queue);
        }
        middleware.forEach(b::middleware);
        return b.build().run();
    }

    /**
     * Lets {@code by} pass for the stored jobs: every pending job not yet due (a scheduled job, a
     * retry waiting out its backoff) becomes due {@code by} earlier, and so does the end of every
     * unique period; returns how many jobs moved. The database's {@code now()} and the tasks' clock
     * do not move (see the class comment). Then {@link #drain()} runs the jobs that became due.
     */
    public int advance(Duration by) {
        Objects.requireNonNull(by, "by");
        if (by.isNegative()) {
            throw new IllegalArgumentException("advance must be >= 0: " + by);
        }
        return sql.advance(by);
    }

    private JsonNode expected(String task, Object[] args) {
        Objects.requireNonNull(task, "task");
        Object[] given = args == null ? new Object[] {null} : args;
        String json = tasks.taskNames().contains(task) ? TaskCalls.json(tasks, task, given) : write(given);
        return JsonMatch.parse(mapper, json);
    }

    private String write(Object[] args) {
        try {
            return mapper.writeValueAsString(args);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("pq-test: cannot write the expected arguments as JSON: " + e.getMessage(), e);
        }
    }

    private QueuedJob found(String task, JsonNode want, String what) {
        List<QueuedJob> all = enqueued();
        for (QueuedJob j : all) {
            if (task.equals(j.task()) && (want == null || JsonMatch.same(j.args(), want))) {
                return j;
            }
        }
        throw new AssertionError("expected a pending job of task " + task + " " + what + ", but "
                + (all.isEmpty() ? "no job is pending" : "none matches" + listing(all)));
    }

    private void absent(String task, JsonNode want, String what) {
        List<QueuedJob> all = enqueued();
        List<QueuedJob> hits = all.stream()
                .filter(j -> task.equals(j.task()) && (want == null || JsonMatch.same(j.args(), want))).toList();
        if (!hits.isEmpty()) {
            throw new AssertionError("expected no pending job of task " + task + " " + what + ", but found "
                    + hits.size() + listing(all));
        }
    }

    private static String render(JsonNode n) {
        return n == null ? "null" : n.toString();
    }

    private static String listing(List<QueuedJob> all) {
        if (all.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("; pending jobs (").append(all.size()).append("):");
        for (QueuedJob j : all) {
            b.append("\n  ").append(j.describe());
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "PqKit[schema=" + schema + ", inline=" + inline + "]";
    }
}
