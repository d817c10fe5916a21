package dev.pq.spring;

import dev.pq.spring.internal.TaskClientsRegistrar;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Registers {@link TaskClient} beans for {@code @Task} interfaces this application enqueues but
 * does not implement (another service runs them). Interfaces implemented by a bean get their
 * client without it.
 *
 * <pre>{@code
 * @SpringBootApplication
 * @EnableTaskClients({Emails.class, Invoices.class})
 * class ShopApplication { }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(TaskClientsRegistrar.class)
public @interface EnableTaskClients {
    /** The {@code @Task} interfaces to make clients of. */
    Class<?>[] value();
}
