package dev.pq.tasks.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.Task;
import dev.pq.tasks.spi.RetryPolicy;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks a process knows: definitions read from annotations (for enqueueing) and the
 * implementations registered to run them (for working), by stable name.
 */
public final class Registry {
    /** A definition and the object that runs it. */
    public record Registered(TaskDef def, Object target) {
    }

    private final ObjectMapper mapper;
    private final Map<String, Registered> byName = new ConcurrentHashMap<>();
    private final Map<Method, TaskDef> byMethod = new ConcurrentHashMap<>();
    private final Map<Class<?>, TaskDef> byJobClass = new ConcurrentHashMap<>();

    public Registry(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Registers an implementation of every {@code @Task} method of {@code type}. */
    public synchronized <T> void register(Class<T> type, T implementation) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(implementation, "implementation");
        List<TaskDef> defs = TaskDef.ofMethods(type, mapper);
        for (TaskDef d : defs) {
            check(d, type);
        }
        for (TaskDef d : defs) {
            byName.put(d.name(), new Registered(ownPolicy(d, implementation), implementation));
            byMethod.put(d.method(), d);
        }
    }

    /** Registers a job class handler. */
    public synchronized void register(JobHandler<?> handler) {
        Objects.requireNonNull(handler, "handler");
        TaskDef d = jobClass(handler.getClass());
        check(d, handler.getClass());
        byName.put(d.name(), new Registered(ownPolicy(d, handler), handler));
    }

    /** An implementation that is itself a RetryPolicy decides its tasks' retries (unless @Task names one). */
    private static TaskDef ownPolicy(TaskDef d, Object implementation) {
        Task t = d.jobClass() ? implementation.getClass().getAnnotation(Task.class) : d.method().getAnnotation(Task.class);
        boolean named = t != null && t.retryPolicy() != RetryPolicy.class;
        return implementation instanceof RetryPolicy p && !named ? d.withRetryPolicy(p) : d;
    }

    private void check(TaskDef d, Class<?> owner) {
        Registered old = byName.get(d.name());
        boolean same = d.jobClass() ? old != null && old.def().jobClass() && old.target().getClass() == owner
                : old != null && d.method().equals(old.def().method());
        if (old != null && !same) {
            String was = old.def().jobClass() ? old.target().getClass().getName() : old.def().method().toString();
            throw new IllegalArgumentException("task name \"" + d.name() + "\" is already registered for " + was
                    + ": give one of them @Task(name = ...)");
        }
    }

    /** The definition of a task method (for clients; no implementation needed). */
    public TaskDef method(Method m) {
        return byMethod.computeIfAbsent(m, k -> TaskDef.ofMethods(k.getDeclaringClass(), mapper).stream()
                .filter(d -> d.method().equals(k)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(k + " is not a @Task method")));
    }

    /** The definition of a job class (for clients; no implementation needed). */
    public TaskDef jobClass(Class<?> type) {
        return byJobClass.computeIfAbsent(type, k -> TaskDef.ofJobClass(k, mapper));
    }

    /** The registered implementation of a task name, or null. */
    public Registered find(String name) {
        return name == null ? null : byName.get(name);
    }

    /** The registered task names. */
    public java.util.Set<String> names() {
        return java.util.Set.copyOf(byName.keySet());
    }
}
