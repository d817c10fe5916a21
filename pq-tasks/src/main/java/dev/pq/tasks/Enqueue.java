package dev.pq.tasks;

import dev.pq.internal.Identifiers;
import dev.pq.internal.When;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Per-call options of an enqueue, overriding the task's defaults (pq's {@code _schedule_at} and
 * {@code _expected_at}, Que's {@code run_at:} and {@code priority:}). Immutable: each method
 * returns a copy.
 *
 * <pre>{@code
 * tasks.client(Orchard.class, Enqueue.options().scheduleAt("1m").expectedAt("2m")).eat("Cox");
 * tasks.enqueue(ChargeCreditCard.class, args, Enqueue.options().priority(5).in(connection));
 * }</pre>
 */
public final class Enqueue {
    private static final Enqueue NONE = new Enqueue(null, null, null, null, null);

    private final When scheduleAt;
    private final When expectedAt;
    private final Integer priority;
    private final String queue;
    private final Connection connection;

    private Enqueue(When scheduleAt, When expectedAt, Integer priority, String queue, Connection connection) {
        this.scheduleAt = scheduleAt;
        this.expectedAt = expectedAt;
        this.priority = priority;
        this.queue = queue;
        this.connection = connection;
    }

    /** No overrides. */
    public static Enqueue options() {
        return NONE;
    }

    /** Ready at this time. */
    public Enqueue scheduleAt(Instant at) {
        return new Enqueue(When.of(Objects.requireNonNull(at, "scheduleAt")), expectedAt, priority, queue, connection);
    }

    /** Ready after this delay. */
    public Enqueue scheduleAt(Duration in) {
        return new Enqueue(When.of(Objects.requireNonNull(in, "scheduleAt")), expectedAt, priority, queue, connection);
    }

    /** Ready at a time given as text: {@code "5m"}, {@code "1h30m"}, or an ISO-8601 time. */
    public Enqueue scheduleAt(String text) {
        return new Enqueue(When.parse("scheduleAt", Objects.requireNonNull(text, "scheduleAt")), expectedAt, priority,
                queue, connection);
    }

    /** Expected done by this time. */
    public Enqueue expectedAt(Instant at) {
        return new Enqueue(scheduleAt, When.of(Objects.requireNonNull(at, "expectedAt")), priority, queue, connection);
    }

    /** Expected done within this delay. */
    public Enqueue expectedAt(Duration in) {
        return new Enqueue(scheduleAt, When.of(Objects.requireNonNull(in, "expectedAt")), priority, queue, connection);
    }

    /** Expected done by a time given as text. */
    public Enqueue expectedAt(String text) {
        return new Enqueue(scheduleAt, When.parse("expectedAt", Objects.requireNonNull(text, "expectedAt")), priority,
                queue, connection);
    }

    /** The priority, lower is more important (-32768 to 32767). */
    public Enqueue priority(int priority) {
        if (priority < Short.MIN_VALUE || priority > Short.MAX_VALUE) {
            throw new IllegalArgumentException("priority must be between -32768 and 32767: " + priority);
        }
        return new Enqueue(scheduleAt, expectedAt, priority, queue, connection);
    }

    /** The queue. */
    public Enqueue queue(String queue) {
        return new Enqueue(scheduleAt, expectedAt, priority, Identifiers.queueName(queue), connection);
    }

    /**
     * Enqueue in the caller's transaction on {@code connection}: the job is visible to workers
     * only once it commits, and gone if it rolls back.
     */
    public Enqueue in(Connection connection) {
        return new Enqueue(scheduleAt, expectedAt, priority, queue, Objects.requireNonNull(connection, "connection"));
    }

    When scheduleAt() {
        return scheduleAt;
    }

    When expectedAt() {
        return expectedAt;
    }

    Integer priority() {
        return priority;
    }

    String queue() {
        return queue;
    }

    Connection connection() {
        return connection;
    }
}
