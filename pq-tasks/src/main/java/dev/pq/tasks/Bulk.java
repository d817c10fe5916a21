package dev.pq.tasks;

import dev.pq.tasks.internal.TaskDef;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Many enqueues written in one statement (Que's {@code bulk_enqueue}, at pq-core's {@code putAll}
 * rate): jobs of any tasks, each with its own options, added in order and written by
 * {@link #enqueue()} or, in the caller's transaction, {@link #enqueue(Connection)}. Unique keys held
 * while waiting or running are honoured against existing jobs and inside the batch (the first job
 * of a key is added, later ones are its duplicates); a key held for a period and replace mode are
 * not taken in bulk. A bulk is a builder: not for sharing between threads, and empty again after
 * each {@code enqueue}.
 *
 * <pre>{@code
 * List<Enqueued> ids = tasks.bulk()
 *         .add(SendEmail.class, welcome)
 *         .add(SendEmail.class, reminder, Enqueue.options().scheduleAt("1d"))
 *         .add("Orchard.eat", Enqueue.options(), "Cox")
 *         .enqueue(connection);                      // commits or rolls back with the caller
 *
 * Bulk bulk = tasks.bulk();
 * Orchard orchard = bulk.client(Orchard.class);      // its calls add jobs to the bulk
 * for (String kind : kinds) orchard.eat(kind);
 * bulk.enqueue();
 * }</pre>
 */
public final class Bulk {
    private final Tasks tasks;
    private final List<Enqueuing.Call> calls = new ArrayList<>();

    Bulk(Tasks tasks) {
        this.tasks = tasks;
    }

    /** Adds a job of a job class with its default options. */
    public <A> Bulk add(Class<? extends JobHandler<A>> jobClass, A args) {
        return add(jobClass, args, Enqueue.options());
    }

    /** Adds a job of a job class with options (not {@link Enqueue#in}: the connection is {@link #enqueue(Connection)}'s). */
    public <A> Bulk add(Class<? extends JobHandler<A>> jobClass, A args, Enqueue options) {
        calls.add(tasks.jobCall(jobClass, args, options));
        return this;
    }

    /** Adds a job of a registered task by name, as {@link Tasks#enqueue(String, Enqueue, Object...)} would. */
    public Bulk add(String taskName, Enqueue options, Object... args) {
        calls.add(tasks.named(taskName, Objects.requireNonNull(options, "options"), args));
        return this;
    }

    /** A client of {@code type}'s {@code @Task} methods whose calls add jobs to this bulk (they return id 0). */
    public <T> T client(Class<T> type) {
        return client(type, Enqueue.options());
    }

    /** A client whose calls add jobs with {@code options} to this bulk (they return id 0). */
    public <T> T client(Class<T> type, Enqueue options) {
        Objects.requireNonNull(options, "options");
        return tasks.proxy(type, (TaskDef def, Object[] args) -> {
            calls.add(tasks.methodCall(def, args, options));
            return Enqueued.created(0);
        });
    }

    /** How many jobs are added and not yet written. */
    public int size() {
        return calls.size();
    }

    /** Writes the jobs in one statement on a connection of its own; the outcomes in the order added. */
    public List<Enqueued> enqueue() {
        return write(null);
    }

    /**
     * Writes the jobs in one statement in the caller's transaction on {@code connection}: workers see
     * them once it commits, and none if it rolls back.
     */
    public List<Enqueued> enqueue(Connection connection) {
        return write(Objects.requireNonNull(connection, "connection"));
    }

    private List<Enqueued> write(Connection c) {
        List<Enqueuing.Call> batch = List.copyOf(calls);
        calls.clear();
        return tasks.enqueuing().many(batch, c);
    }
}
