package dev.pq.tasks;

import dev.pq.tasks.internal.ArgsCodec;
import dev.pq.tasks.internal.Registry;
import dev.pq.tasks.internal.TaskDef;
import java.util.Objects;

/**
 * How enqueueing stores a task call: its task name and its arguments' JSON, written exactly as
 * {@link Tasks#enqueue} writes them (for test kits and tools that compare stored jobs with calls).
 *
 * <pre>{@code
 * String name = TaskCalls.name(tasks, ChargeCreditCard.class);          // "ChargeCreditCard"
 * String json = TaskCalls.json(tasks, ChargeCreditCard.class, new ChargeCreditCard.Args(1, 2));
 * String call = TaskCalls.json(tasks, "Orchard.eat", "Cox");             // ["Cox"]
 * }</pre>
 */
public final class TaskCalls {
    private TaskCalls() {
    }

    /** The task name of a job class (its {@code @Task(name)}, else its simple name); it need not be registered. */
    public static String name(Tasks tasks, Class<? extends JobHandler<?>> jobClass) {
        return tasks.registry().jobClass(Objects.requireNonNull(jobClass, "jobClass")).name();
    }

    /** The JSON a job of {@code jobClass} with {@code args} is stored with; the class need not be registered. */
    public static <A> String json(Tasks tasks, Class<? extends JobHandler<A>> jobClass, A args) {
        TaskDef def = tasks.registry().jobClass(Objects.requireNonNull(jobClass, "jobClass"));
        return ArgsCodec.jobArgs(tasks.mapper(), def, def.queue(), args);
    }

    /**
     * The JSON a call of the registered task {@code taskName} with {@code args} is stored with, as
     * {@link Tasks#enqueue(String, Enqueue, Object...)} converts them.
     *
     * @throws TaskNotFoundException if no such task is registered
     * @throws IllegalArgumentException if the arguments do not fit the task, saying how
     */
    public static String json(Tasks tasks, String taskName, Object... args) {
        Objects.requireNonNull(taskName, "taskName");
        Registry.Registered r = tasks.registry().find(taskName);
        if (r == null) {
            throw new TaskNotFoundException(taskName, "register it first (known: " + tasks.registry().names() + ")");
        }
        return ArgsCodec.converted(tasks.mapper(), r.def(), r.def().queue(), args);
    }
}
