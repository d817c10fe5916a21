package dev.pq.spring;

import dev.pq.tasks.Tasks;

/**
 * Adjusts the auto-configured {@link Tasks} before it is built: a clock, a mapper, listeners
 * (beans of type {@code JobListener} are added without one). This is also where a metrics
 * integration hooks in.
 *
 * <pre>{@code
 * @Bean
 * PqTasksCustomizer audit(AuditLog log) {
 *     return tasks -> tasks.listener(new AuditListener(log));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface PqTasksCustomizer {
    /** Changes {@code builder}. */
    void customize(Tasks.Builder builder);
}
