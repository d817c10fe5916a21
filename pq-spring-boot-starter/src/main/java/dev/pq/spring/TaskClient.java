package dev.pq.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Asks for the enqueueing client of a {@code @Task} interface instead of its implementation.
 * The starter registers one client bean per task interface that a bean implements (and per
 * interface listed in {@link EnableTaskClients}); such a bean is injected only where this
 * qualifier asks for it, so a plain injection of the interface still gets the implementation.
 *
 * <pre>{@code
 * @Service
 * class Orders {
 *     Orders(JdbcTemplate jdbc, @TaskClient Emails emails) { ... }
 *
 *     @Transactional
 *     public void place(Order o) {
 *         jdbc.update("insert into orders ...", ...);
 *         emails.confirm(o.id());          // enqueued in this transaction
 *     }
 * }
 * }</pre>
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface TaskClient {
}
