package dev.pq.spring.shop;

import dev.pq.tasks.Task;

/** A task interface: its implementation is a bean, its client is injected with @TaskClient. */
public interface Emails {
    @Task(queue = "emails")
    void confirm(long orderId);

    /** Waits for {@link Sent#GATE} before it records its email (shutdown tests). */
    @Task(queue = "emails")
    void held(long orderId);
}
