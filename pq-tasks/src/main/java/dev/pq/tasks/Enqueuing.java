package dev.pq.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pq.PQ;
import dev.pq.internal.Internals;
import dev.pq.internal.When;
import dev.pq.tasks.internal.Context;
import dev.pq.tasks.internal.Enqueuer;
import dev.pq.tasks.internal.Executor;
import dev.pq.tasks.internal.Keys;
import dev.pq.tasks.internal.LockedJob;
import dev.pq.tasks.internal.TaskDef;
import dev.pq.tasks.internal.TasksDb;
import dev.pq.tasks.internal.UniqueSpec;
import dev.pq.tasks.spi.AmbientTransaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The enqueue side of {@link Tasks}: resolves a call's options against its task's defaults (times,
 * priority, unique key, group), tells the listeners, and writes the job (or runs it, inline).
 */
final class Enqueuing {
    /** One enqueue as resolved from a call: the task, its queue, the stored arguments and options. */
    record Call(TaskDef def, String queue, String json, Enqueue options) {
    }

    /** Per instance: two Tasks over two tables must not report each other's ids. */
    private final ThreadLocal<Enqueued[]> last = ThreadLocal.withInitial(() -> new Enqueued[1]);
    private final PQ pq;
    private final Enqueuer writer;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final boolean inline;
    private final List<JobListener> listeners;
    private final Executor inlineExecutor;
    private final AmbientTransaction ambient;

    Enqueuing(PQ pq, TasksDb db, ObjectMapper mapper, Clock clock, boolean inline, List<JobListener> listeners,
              Executor inlineExecutor, AmbientTransaction ambient) {
        this.pq = pq;
        this.writer = new Enqueuer(db);
        this.mapper = mapper;
        this.clock = clock;
        this.inline = inline;
        this.listeners = listeners;
        this.inlineExecutor = inlineExecutor;
        this.ambient = ambient;
    }

    /** The last enqueue of the calling thread, or null. */
    Enqueued last() {
        return last.get()[0];
    }

    Enqueued one(Call call) {
        Internals.engine(pq).checkOpen();
        Enqueuer.Row row = row(call);
        before(row);
        Enqueued done;
        Connection joined = call.options().connection() == null ? ambient.current() : null;
        Connection given = joined != null ? joined : call.options().connection();
        try {
            if (inline && !inFuture(row.schedule())) {
                done = Enqueued.created(0);
                runInline(call.def(), row, given);
            } else if (given != null) {
                done = writer.one(given, row);
            } else {
                try (Connection c = Internals.engine(pq).acquire()) {
                    done = writer.one(c, row);
                }
            }
        } catch (SQLException e) {
            throw Internals.engine(pq).translate(e, "enqueue of task " + row.task() + " to queue \"" + row.queue() + "\"");
        } finally {
            if (joined != null) {
                ambient.release(joined);
            }
        }
        last.get()[0] = done;
        if (!done.duplicate()) {
            after(row, done.id());
        }
        return done;
    }

    List<Enqueued> many(List<Call> calls, Connection caller) {
        Internals.engine(pq).checkOpen();
        Connection joined = caller == null ? ambient.current() : null;
        try {
            return write(calls, joined != null ? joined : caller);
        } finally {
            if (joined != null) {
                ambient.release(joined);
            }
        }
    }

    private List<Enqueued> write(List<Call> calls, Connection given) {
        List<Enqueuer.Row> rows = new ArrayList<>(calls.size());
        for (Call call : calls) {
            if (call.options().connection() != null) {
                throw new IllegalArgumentException("a job of a bulk enqueue has its own connection (Enqueue.in): give the "
                        + "connection to Bulk.enqueue(connection) instead");
            }
            Enqueuer.Row row = row(call);
            before(row);
            rows.add(row);
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        List<Enqueued> out;
        if (inline) {
            out = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Call one = calls.get(i);
                out.add(one(new Call(one.def(), one.queue(), one.json(),
                        given == null ? one.options() : one.options().in(given))));
            }
            return out;
        }
        try {
            if (given != null) {
                out = writer.many(given, rows);
            } else {
                try (Connection c = Internals.engine(pq).acquire()) {
                    out = writer.many(c, rows);
                }
            }
        } catch (SQLException e) {
            throw Internals.engine(pq).translate(e, "bulk enqueue of " + rows.size() + " jobs");
        }
        for (int i = 0; i < out.size(); i++) {
            if (!out.get(i).duplicate()) {
                after(rows.get(i), out.get(i).id());
            }
        }
        if (!out.isEmpty()) {
            last.get()[0] = out.get(out.size() - 1);
        }
        return out;
    }

    private Enqueuer.Row row(Call call) {
        TaskDef def = call.def();
        Enqueue o = call.options();
        int priority = o.priority() != null ? o.priority() : def.priority();
        When schedule = o.scheduleAt() != null ? o.scheduleAt() : def.scheduleAt();
        When expected = o.expectedAt() != null ? o.expectedAt() : def.expectedAt();
        String group = o.group() != null ? o.group()
                : def.group() != null ? Keys.group(mapper, def.name(), def.group(), call.json()) : null;
        UniqueSpec u = def.unique();
        String key = o.uniqueKey();
        if (key == null && (o.byArgs() || u != null)) {
            key = Keys.unique(mapper, def.name(), o.byArgs() || u == null ? List.of() : u.by(), call.json());
        }
        if (key == null) {
            if (o.uniqueScope() != null || o.onDuplicate() != null) {
                throw new IllegalArgumentException("task " + def.name() + ": uniqueWhile, uniqueFor and onDuplicate need a "
                        + "unique key: give uniqueKey(...) or uniqueByArgs(), or annotate the task @Unique");
            }
            return new Enqueuer.Row(call.queue(), priority, def.name(), call.json(), schedule, expected, group,
                    null, null, null, null);
        }
        Unique.Scope scope = o.uniqueScope() != null ? o.uniqueScope() : u != null ? u.scope() : Unique.Scope.WAITING_OR_RUNNING;
        java.time.Duration period = o.uniqueScope() != null ? o.uniqueFor() : u != null ? u.period() : null;
        Unique.OnDuplicate dup = o.onDuplicate() != null ? o.onDuplicate()
                : u != null ? u.onDuplicate() : Unique.OnDuplicate.RETURN_EXISTING;
        return new Enqueuer.Row(call.queue(), priority, def.name(), call.json(), schedule, expected, group, key, scope,
                period, dup);
    }

    private void before(Enqueuer.Row row) {
        EnqueuedJob job = new EnqueuedJob(0, row.task(), row.queue(), row.priority(), row.json());
        for (JobListener l : listeners) {
            l.beforeEnqueue(job);
        }
    }

    private void after(Enqueuer.Row row, long id) {
        EnqueuedJob job = new EnqueuedJob(id, row.task(), row.queue(), row.priority(), row.json());
        for (JobListener l : listeners) {
            try {
                l.afterEnqueue(job);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Tasks.class).warn("afterEnqueue listener failed task={}", row.task(), e);
            }
        }
    }

    /** A job scheduled for later is stored even in inline mode (Que's run_synchronously does the same). */
    private boolean inFuture(When schedule) {
        return schedule.at() != null ? schedule.at().isAfter(clock.instant())
                : schedule.in() != null && !schedule.in().isNegative() && !schedule.in().isZero();
    }

    private void runInline(TaskDef def, Enqueuer.Row row, Connection given) {
        Instant now = Instant.now(clock);
        LockedJob job = new LockedJob(0, row.queue(), row.priority(), def.name(), row.json(), null, 0, now, null, now, 0,
                System.nanoTime(), false);
        Context ctx = new Context(job, Internals.engine(pq), given);
        try {
            inlineExecutor.run(ctx);
            Connection opened = ctx.opened();
            if (opened != null) {
                opened.commit();
            }
        } catch (Executor.Permanent e) {
            ctx.rollbackQuietly();
            throw (RuntimeException) e.getCause();
        } catch (TaskNotFoundException e) {
            ctx.rollbackQuietly();
            throw e;
        } catch (Exception | Error e) {
            ctx.rollbackQuietly();
            for (JobListener l : listeners) {
                l.onFailure(ctx, e, false);
            }
            throw new TaskFailedException(def.name(), e);
        } finally {
            ctx.release();
        }
    }
}
