package dev.pq.tasks;

import dev.pq.internal.Identifiers;
import dev.pq.internal.When;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Per-call options of an enqueue, overriding the task's defaults (pq's {@code _schedule_at} and
 * {@code _expected_at}, Que's {@code run_at:} and {@code priority:}), and its unique key and group.
 * Immutable: each method returns a copy.
 *
 * <pre>{@code
 * tasks.client(Orchard.class, Enqueue.options().scheduleAt("1m").expectedAt("2m")).eat("Cox");
 * tasks.enqueue(ChargeCreditCard.class, args, Enqueue.options().priority(5).in(connection));
 * tasks.enqueue(SendInvoice.class, invoice, Enqueue.options().uniqueKey("invoice:42").uniqueFor("1h"));
 * }</pre>
 */
public final class Enqueue {
    private static final Enqueue NONE = new Enqueue();
    /** Longest unique key or group key kept as given; longer ones are refused (hash them yourself). */
    static final int MAX_KEY_LENGTH = 500;

    private When scheduleAt;
    private When expectedAt;
    private Integer priority;
    private String queue;
    private Connection connection;
    private String uniqueKey;
    private boolean uniqueByArgs;
    private Unique.Scope uniqueScope;
    private Duration uniqueFor;
    private Unique.OnDuplicate onDuplicate;
    private String group;

    private Enqueue() {
    }

    private Enqueue copy() {
        Enqueue e = new Enqueue();
        e.scheduleAt = scheduleAt;
        e.expectedAt = expectedAt;
        e.priority = priority;
        e.queue = queue;
        e.connection = connection;
        e.uniqueKey = uniqueKey;
        e.uniqueByArgs = uniqueByArgs;
        e.uniqueScope = uniqueScope;
        e.uniqueFor = uniqueFor;
        e.onDuplicate = onDuplicate;
        e.group = group;
        return e;
    }

    /** No overrides. */
    public static Enqueue options() {
        return NONE;
    }

    /** Ready at this time. */
    public Enqueue scheduleAt(Instant at) {
        Enqueue e = copy();
        e.scheduleAt = When.of(Objects.requireNonNull(at, "scheduleAt"));
        return e;
    }

    /** Ready after this delay. */
    public Enqueue scheduleAt(Duration in) {
        Enqueue e = copy();
        e.scheduleAt = When.of(Objects.requireNonNull(in, "scheduleAt"));
        return e;
    }

    /** Ready at a time given as text: {@code "5m"}, {@code "1h30m"}, or an ISO-8601 time. */
    public Enqueue scheduleAt(String text) {
        Enqueue e = copy();
        e.scheduleAt = When.parse("scheduleAt", Objects.requireNonNull(text, "scheduleAt"));
        return e;
    }

    /** Expected done by this time. */
    public Enqueue expectedAt(Instant at) {
        Enqueue e = copy();
        e.expectedAt = When.of(Objects.requireNonNull(at, "expectedAt"));
        return e;
    }

    /** Expected done within this delay. */
    public Enqueue expectedAt(Duration in) {
        Enqueue e = copy();
        e.expectedAt = When.of(Objects.requireNonNull(in, "expectedAt"));
        return e;
    }

    /** Expected done by a time given as text. */
    public Enqueue expectedAt(String text) {
        Enqueue e = copy();
        e.expectedAt = When.parse("expectedAt", Objects.requireNonNull(text, "expectedAt"));
        return e;
    }

    /** The priority, lower is more important (-32768 to 32767). */
    public Enqueue priority(int priority) {
        if (priority < Short.MIN_VALUE || priority > Short.MAX_VALUE) {
            throw new IllegalArgumentException("priority must be between -32768 and 32767: " + priority);
        }
        Enqueue e = copy();
        e.priority = priority;
        return e;
    }

    /** The queue. */
    public Enqueue queue(String queue) {
        Enqueue e = copy();
        e.queue = Identifiers.queueName(queue);
        return e;
    }

    /**
     * Enqueue in the caller's transaction on {@code connection}: the job is visible to workers
     * only once it commits, and gone if it rolls back.
     */
    public Enqueue in(Connection connection) {
        Enqueue e = copy();
        e.connection = Objects.requireNonNull(connection, "connection");
        return e;
    }

    /**
     * The job's unique key (any text up to 500 characters, e.g. {@code "invoice:42"}): while another
     * job holds it (see {@link #uniqueWhile}, {@link #uniqueFor}), this enqueue adds nothing and
     * does what {@link #onDuplicate} says. Keys are shared by every task and queue of the table.
     */
    public Enqueue uniqueKey(String key) {
        Objects.requireNonNull(key, "uniqueKey");
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("uniqueKey must be 1 to " + MAX_KEY_LENGTH + " characters: " + key.length());
        }
        Enqueue e = copy();
        e.uniqueKey = key;
        e.uniqueByArgs = false;
        return e;
    }

    /** Unique by the task name and all its arguments, for a task without {@link Unique}. */
    public Enqueue uniqueByArgs() {
        Enqueue e = copy();
        e.uniqueKey = null;
        e.uniqueByArgs = true;
        return e;
    }

    /** How long the key is held: {@link Unique.Scope#WAITING} or {@link Unique.Scope#WAITING_OR_RUNNING} (the default). */
    public Enqueue uniqueWhile(Unique.Scope scope) {
        Objects.requireNonNull(scope, "uniqueWhile");
        if (scope == Unique.Scope.PERIOD) {
            throw new IllegalArgumentException("a period scope needs its length: use uniqueFor(\"1h\")");
        }
        Enqueue e = copy();
        e.uniqueScope = scope;
        e.uniqueFor = null;
        return e;
    }

    /** Holds the key for this long after the enqueue, whatever happens to the job (at least 1 ms). */
    public Enqueue uniqueFor(Duration period) {
        Objects.requireNonNull(period, "uniqueFor");
        if (period.toMillis() < 1) {
            throw new IllegalArgumentException("uniqueFor must be at least 1ms: " + period);
        }
        Enqueue e = copy();
        e.uniqueScope = Unique.Scope.PERIOD;
        e.uniqueFor = period;
        return e;
    }

    /** Holds the key for a period given as text ({@code "1h"}, {@code "30m"}). */
    public Enqueue uniqueFor(String period) {
        return uniqueFor(When.duration("uniqueFor", Objects.requireNonNull(period, "uniqueFor")));
    }

    /** What this enqueue does when its key is held (the default: {@link Unique.OnDuplicate#RETURN_EXISTING}). */
    public Enqueue onDuplicate(Unique.OnDuplicate action) {
        Enqueue e = copy();
        e.onDuplicate = Objects.requireNonNull(action, "onDuplicate");
        return e;
    }

    /**
     * The job's group (a tenant, an account: up to 500 characters), for concurrency limits per
     * group; overrides a group the task derives from its arguments ({@link Task#group()}).
     */
    public Enqueue group(String group) {
        Objects.requireNonNull(group, "group");
        if (group.isEmpty() || group.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("group must be 1 to " + MAX_KEY_LENGTH + " characters: " + group.length());
        }
        Enqueue e = copy();
        e.group = group;
        return e;
    }

    /** These options without a connection. */
    Enqueue withoutConnection() {
        if (connection == null) {
            return this;
        }
        Enqueue e = copy();
        e.connection = null;
        return e;
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

    String uniqueKey() {
        return uniqueKey;
    }

    boolean byArgs() {
        return uniqueByArgs;
    }

    Unique.Scope uniqueScope() {
        return uniqueScope;
    }

    Duration uniqueFor() {
        return uniqueFor;
    }

    Unique.OnDuplicate onDuplicate() {
        return onDuplicate;
    }

    String group() {
        return group;
    }
}
