package dev.pq.tasks;

import dev.pq.PQException;

/**
 * No task of that name is registered here (or the type has no {@link Task} methods). In a worker
 * the job is not dropped: it is marked failed with this message and kept for retry.
 *
 * <pre>{@code
 * tasks.register(Orchard.class, new OrchardImpl());   // register before running workers
 * }</pre>
 */
public class TaskNotFoundException extends PQException {
    private static final long serialVersionUID = 1L;

    private final String task;

    /** Creates the exception for a task name. */
    public TaskNotFoundException(String task, String detail) {
        super("unknown task \"" + task + "\": " + detail);
        this.task = task;
    }

    /** The task name. */
    public String task() {
        return task;
    }
}
