package dev.pq.tasks.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.pq.internal.Identifiers;
import dev.pq.internal.When;
import dev.pq.tasks.Backoff;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.spi.RetryPolicy;
import dev.pq.tasks.Task;
import dev.pq.tasks.Unique;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A task as its annotation defines it: the name, defaults, retry rule and argument types. Built
 * from an interface (or class) method, or from a {@link JobHandler} class.
 *
 * @param name       the stable task name
 * @param method     the task method, or null for a job class
 * @param argTypes   the JSON types of the method's parameters, or the single args type of a job class
 * @param queue      the default queue
 * @param priority   the default priority
 * @param scheduleAt the default ready time
 * @param expectedAt the default expected time
 * @param retryPolicy what happens after a failure: from the {@code @Task} attributes, or the task's own policy
 * @param timeout    the per-job run-time limit, or null for the worker's default
 * @param unique     the task's uniqueness ({@code @Unique}), or null
 * @param group      the argument that gives a job's group (a position or property name), or null
 * @param writers    a JSON writer per argument type, made once (a writer per call cost more than the write)
 */
public record TaskDef(String name, Method method, List<JavaType> argTypes, String queue, int priority,
                      When scheduleAt, When expectedAt, RetryPolicy retryPolicy, Duration timeout, UniqueSpec unique,
                      Object group, List<ObjectWriter> writers) {

    static final String DEFAULT_QUEUE = "default";

    public TaskDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        argTypes = List.copyOf(argTypes);
        writers = List.copyOf(writers);
        if (writers.size() != argTypes.size()) {
            throw new IllegalArgumentException("a writer per argument type");
        }
    }

    /** This definition with {@code policy} deciding retries (an implementation that is its own policy). */
    public TaskDef withRetryPolicy(RetryPolicy policy) {
        return new TaskDef(name, method, argTypes, queue, priority, scheduleAt, expectedAt, policy, timeout, unique, group,
                writers);
    }

    /** The task as messages show it: {@code name(type, ...)}. */
    public String signature() {
        return name + "(" + String.join(", ", argTypes.stream().map(JavaType::toCanonical).toList()) + ")";
    }

    /** True for a Que-style job class. */
    public boolean jobClass() {
        return method == null;
    }

    /** Every {@code @Task} method of a type, as definitions. */
    public static List<TaskDef> ofMethods(Class<?> type, ObjectMapper mapper) {
        List<TaskDef> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            Task t = m.getAnnotation(Task.class);
            if (t == null || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String name = t.name().isEmpty() ? m.getDeclaringClass().getSimpleName() + "." + m.getName() : t.name();
            List<JavaType> types = new ArrayList<>();
            for (Type p : m.getGenericParameterTypes()) {
                types.add(mapper.getTypeFactory().constructType(p));
            }
            out.add(of(name, m, types, t, m.getAnnotation(Unique.class), false, mapper));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(type.getName() + " has no public @Task methods");
        }
        return out;
    }

    /** The definition of a job class. */
    public static TaskDef ofJobClass(Class<?> type, ObjectMapper mapper) {
        if (!JobHandler.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " does not implement JobHandler");
        }
        Task t = type.getAnnotation(Task.class);
        if ((t == null || t.name().isEmpty()) && (type.isSynthetic() || type.isAnonymousClass()
                || type.getSimpleName().contains("$$Lambda") || type.getSimpleName().isEmpty())) {
            throw new IllegalArgumentException("a job class must be a named class, not a lambda or anonymous class: "
                    + type.getName() + " has no name that is the same in every JVM (or annotate it @Task(name = ...))");
        }
        String name = t == null || t.name().isEmpty() ? type.getSimpleName() : t.name();
        JavaType[] params = mapper.getTypeFactory().constructType(type).findTypeParameters(JobHandler.class);
        JavaType args = params.length == 1 ? params[0] : mapper.getTypeFactory().constructType(Object.class);
        return of(name, null, List.of(args), t, type.getAnnotation(Unique.class), true, mapper);
    }

    private static TaskDef of(String name, Method m, List<JavaType> types, Task t, Unique u, boolean jobClass,
                              ObjectMapper mapper) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("task name must not be blank: \"" + name + "\"");
        }
        String queue = t == null || t.queue().isEmpty() ? DEFAULT_QUEUE : Identifiers.queueName(t.queue());
        int priority = t == null ? 100 : t.priority();
        if (priority < Short.MIN_VALUE || priority > Short.MAX_VALUE) {
            throw new IllegalArgumentException("task " + name + ": priority must be between -32768 and 32767: " + priority);
        }
        When schedule = t == null || t.scheduleAt().isEmpty() ? When.NONE : When.parse("scheduleAt", t.scheduleAt());
        When expected = t == null || t.expectedAt().isEmpty() ? When.NONE : When.parse("expectedAt", t.expectedAt());
        int maxRetries = t == null || t.maxRetries() < 0 ? (jobClass ? 15 : 0) : t.maxRetries();
        Backoff backoff = t == null || t.backoff() == Backoff.DEFAULT ? (jobClass ? Backoff.QUE : Backoff.FIXED) : t.backoff();
        Duration retryIn = t == null || t.retryIn().isEmpty() ? Duration.ofSeconds(30) : duration(name, "retryIn", t.retryIn());
        Duration timeout = t == null || t.timeout().isEmpty() ? null : duration(name, "timeout", t.timeout());
        RetryPolicy policy;
        if (t != null && t.retryPolicy() != RetryPolicy.class) {
            policy = instantiate(name, t.retryPolicy());
        } else {
            try {
                policy = RetryPolicy.of(maxRetries, backoff, retryIn, t == null ? 0 : t.jitter());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("task " + name + ": " + e.getMessage(), e);
            }
        }
        UniqueSpec unique = null;
        if (u != null) {
            Duration period = u.period().isEmpty() ? null : duration(name, "@Unique period", u.period());
            if (period != null && period.toMillis() < 1) {
                throw new IllegalArgumentException("task " + name + ": @Unique period must be at least 1ms: " + u.period());
            }
            if (period == null && u.scope() == Unique.Scope.PERIOD) {
                throw new IllegalArgumentException("task " + name + ": @Unique(scope = PERIOD) needs a period, e.g. period = \"1h\"");
            }
            unique = new UniqueSpec(Keys.select(mapper, name, m, types, u.by(), "@Unique(by)"),
                    period != null ? Unique.Scope.PERIOD : u.scope(), period, u.onDuplicate());
        }
        Object group = null;
        if (t != null && !t.group().isEmpty()) {
            group = Keys.select(mapper, name, m, types, new String[] {t.group()}, "@Task(group)").get(0);
        }
        return new TaskDef(name, m, types, queue, priority, schedule, expected, policy, timeout, unique, group,
                types.stream().map(mapper::writerFor).toList());
    }

    private static RetryPolicy instantiate(String task, Class<? extends RetryPolicy> type) {
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("task " + task + ": cannot create its retryPolicy " + type.getName()
                    + " (it needs a public no-argument constructor): " + e, e);
        }
    }

    private static Duration duration(String task, String what, String text) {
        Duration d;
        try {
            d = When.duration(what, text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task " + task + ": " + e.getMessage(), e);
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("task " + task + ": " + what + " must not be negative: \"" + text + "\"");
        }
        return d;
    }
}
