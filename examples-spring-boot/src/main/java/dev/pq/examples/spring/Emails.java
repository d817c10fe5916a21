package dev.pq.examples.spring;

import dev.pq.tasks.Task;

/**
 * The shop's email task. {@link EmailSender} implements it (the worker runs that); the order
 * service gets its client with {@code @TaskClient}, whose calls enqueue jobs.
 */
public interface Emails {
    /** Sends the confirmation email of an order. */
    @Task(queue = "emails", maxRetries = 5)
    void confirmation(long orderId);
}
