package dev.pq.spring.internal;

import dev.pq.tasks.Tasks;

/** Runs when the worker is about to start, once every task bean is registered (hosting the schedule). */
@FunctionalInterface
public interface BeforeWorkerStart {
    void run(Tasks tasks);
}
