package dev.pq.spring;

import dev.pq.tasks.Worker;

/**
 * Adjusts the auto-configured worker before it is built: limits, retention, middleware (beans of
 * type {@code Middleware} are added without one), settings the {@code pq.worker.*} properties do
 * not cover.
 *
 * <pre>{@code
 * @Bean
 * PqWorkerCustomizer limits() {
 *     return worker -> worker.limit(Limit.queue("billing").concurrency(2));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface PqWorkerCustomizer {
    /** Changes {@code builder}. */
    void customize(Worker.Builder builder);
}
