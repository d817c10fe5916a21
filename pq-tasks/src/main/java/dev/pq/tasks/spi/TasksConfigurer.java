package dev.pq.tasks.spi;

import dev.pq.tasks.Tasks;

/**
 * How {@code pq work} learns the application's tasks: an implementation registers task
 * implementations and job classes on the worker's {@link Tasks}.
 *
 * <pre>{@code
 * package com.acme;
 *
 * public final class Setup implements TasksConfigurer {
 *     public void configure(Tasks tasks) {
 *         tasks.register(Orchard.class, new OrchardImpl());
 *         tasks.register(new ChargeCreditCard());
 *     }
 * }
 * }</pre>
 *
 * <p>Run it with {@code pq work --classpath app.jar --setup com.acme.Setup}, or list the class in
 * {@code META-INF/services/dev.pq.tasks.spi.TasksConfigurer} inside {@code app.jar} and leave out
 * {@code --setup}: the CLI then runs every configurer {@link java.util.ServiceLoader} finds on the
 * class path. An implementation needs a public no-argument constructor. It lives in pq-tasks, so
 * the application compiles against {@code pq-tasks} (scope {@code provided} when the CLI's
 * runnable jar brings pq), never against the CLI and its picocli and logging binding.
 */
@FunctionalInterface
public interface TasksConfigurer {
    /** Registers the application's tasks and job classes on {@code tasks}. */
    void configure(Tasks tasks);
}
