package dev.pq.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Chooses inline mode for one test method (or a class), over {@link PqTest#inline()} and the
 * extension's setting: the test's {@code Tasks} is built with {@code Tasks.builder(pq).inline(true)},
 * so enqueueing runs the job in the caller's thread and throws its failure
 * ({@link dev.pq.tasks.TaskFailedException}); jobs scheduled for later are stored.
 *
 * <pre>{@code
 * @Test
 * @InlineTasks
 * void checkout_sendsTheReceipt(Tasks tasks) { ... }      // the mail job has run when checkout returns
 *
 * @Test
 * @InlineTasks(false)
 * void checkout_enqueuesTheReceipt(PqKit kit) { ... }     // stored: assert on it, then kit.drain()
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface InlineTasks {
    /** True for inline mode, false for stored jobs. */
    boolean value() default true;
}
