package dev.pq.examples.spring;

import dev.pq.tasks.Task;

/** The shop's email task: enqueued with the order, run by the worker in the same application. */
public interface Emails {
    @Task(queue = "emails", maxRetries = 5, retryIn = "10s")
    void orderConfirmation(long orderId, String to);
}
