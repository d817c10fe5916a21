package dev.pq.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class a migrated pq schema of its own ({@link PqExtension} with its defaults)
 * and injects {@link PqKit}, {@link dev.pq.PQ} and {@link dev.pq.tasks.Tasks} into test, {@code
 * @BeforeEach} and {@code @AfterEach} methods ({@code PQ} also into {@code @BeforeAll}).
 *
 * <pre>{@code
 * @PqTest
 * class SignupTest {
 *     @Test
 *     void signup_enqueuesTheWelcomeMail(PqKit kit, Tasks tasks) {
 *         new Signup(tasks).register("ada@example.com");
 *         kit.assertEnqueued("Mailer.welcome", "ada@example.com");
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PqExtension.class)
public @interface PqTest {
    /**
     * True: the tests' {@code Tasks} run each job at once in the enqueuing thread ({@link InlineTasks}
     * overrides it per method). Default false: jobs are stored, for assertions and {@link PqKit#drain()}.
     */
    boolean inline() default false;
}
