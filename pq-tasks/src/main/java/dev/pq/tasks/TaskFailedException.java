package dev.pq.tasks;

import dev.pq.PQException;

/**
 * A task run inline (see {@link Tasks.Builder#inline(boolean)}) threw; the cause is what it threw.
 *
 * <pre>{@code
 * assertThrows(TaskFailedException.class, () -> orchard.eat("rotten"));
 * }</pre>
 */
public class TaskFailedException extends PQException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception for a task and the failure. */
    public TaskFailedException(String task, Throwable cause) {
        super("task \"" + task + "\" failed: " + cause, cause);
    }
}
