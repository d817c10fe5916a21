package dev.pq.test.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pq.tasks.Drained;
import dev.pq.tasks.Enqueue;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.test.PqKit;
import dev.pq.test.PqTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A test written the way an application using pq writes its own: the application's code (here a
 * tiny {@code Signup} service and its {@code Mailer} task) and tests of what it enqueues and of
 * what happens when the jobs run. No worker, no sleeps: the kit runs jobs in the test's thread.
 */
@PqTest
class ExampleUserTest {
    // --- application code -------------------------------------------------------------------
    public interface Mailer {
        @Task(queue = "mail", maxRetries = 5, retryIn = "1m")
        void welcome(String email);

        @Task(queue = "mail")
        void reminder(String email);
    }

    static final class Signup {
        private final Mailer now;
        private final Mailer tomorrow;

        Signup(Tasks tasks) {
            this.now = tasks.client(Mailer.class);
            this.tomorrow = tasks.client(Mailer.class, Enqueue.options().scheduleAt(Duration.ofDays(1)));
        }

        void register(String email) {
            now.welcome(email);
            tomorrow.reminder(email);
        }
    }

    static final class FakeSmtp implements Mailer {
        final List<String> sent = new ArrayList<>();
        boolean down;

        @Override
        public void welcome(String email) {
            if (down) {
                throw new IllegalStateException("smtp down");
            }
            sent.add("welcome " + email);
        }

        @Override
        public void reminder(String email) {
            sent.add("reminder " + email);
        }
    }

    // --- tests ---------------------------------------------------------------------------------
    final FakeSmtp smtp = new FakeSmtp();

    @BeforeEach
    void register(Tasks tasks) {
        tasks.register(Mailer.class, smtp);
    }

    @Test
    void register_enqueuesTheWelcomeMail_andADelayedReminder(PqKit kit, Tasks tasks) {
        new Signup(tasks).register("ada@example.com");

        kit.assertEnqueued("Mailer.welcome", "ada@example.com");
        kit.assertEnqueued("Mailer.reminder", "ada@example.com");
        kit.assertEnqueuedCount("mail", 2);
    }

    @Test
    void theReminder_isSentADayLater(PqKit kit, Tasks tasks) {
        new Signup(tasks).register("ada@example.com");

        kit.drain("mail");                       // the welcome mail only: the reminder is not due
        assertEquals(List.of("welcome ada@example.com"), smtp.sent);

        kit.advance(Duration.ofDays(1));         // a day passes for the stored jobs
        kit.drain("mail");
        assertEquals(List.of("welcome ada@example.com", "reminder ada@example.com"), smtp.sent);
        kit.assertEnqueuedCount(0);
    }

    @Test
    void aFailedWelcome_isRetriedAMinuteLater(PqKit kit, Tasks tasks) {
        smtp.down = true;
        tasks.client(Mailer.class).welcome("bob@example.com");

        Drained first = kit.drain("mail");
        assertEquals(1, first.retried());
        assertEquals(1, kit.assertEnqueued("Mailer.welcome", "bob@example.com").errorCount());

        smtp.down = false;
        kit.advance(Duration.ofMinutes(1));
        assertEquals(1, kit.drain("mail").succeeded());
        assertEquals(List.of("welcome bob@example.com"), smtp.sent);
    }
}
