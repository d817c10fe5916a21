package dev.pq.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.tasks.Drained;
import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobListener;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as a {@code @RegisterExtension} field: its settings reach each test's Tasks and drains. */
class RegisteredExtensionTest {
    static final List<String> events = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static PqExtension pq = PqExtension.builder()
            .inline(true)
            .tasks(b -> b.listener(new JobListener() {
                @Override
                public void afterPerform(JobContext job) {
                    events.add("listener " + job.task());
                }
            }))
            .middleware((job, next) -> {
                events.add("middleware " + job.task());
                next.proceed();
            })
            .build();

    public interface Ping {
        @Task(queue = "ping")
        void ping(String who);
    }

    @Test
    void builderInline_isEveryTestsDefault_andTheListenerIsOnItsTasks(Tasks tasks) {
        events.clear();
        assertTrue(pq.kit().inline());
        assertSame(pq.kit().tasks(), tasks);
        tasks.register(Ping.class, who -> events.add("ping " + who));
        tasks.client(Ping.class).ping("a");
        assertEquals(List.of("ping a", "listener Ping.ping"), events);
    }

    @Test
    @InlineTasks(false)
    void inlineTasksFalse_storesJobs_andDrainRunsThemInsideTheMiddleware(PqKit kit, Tasks tasks) {
        events.clear();
        assertFalse(kit.inline());
        tasks.register(Ping.class, who -> events.add("ping " + who));
        tasks.client(Ping.class).ping("b");
        kit.assertEnqueued("Ping.ping", "b");
        assertEquals(new Drained(1, 1, 0, 0), kit.drain("ping"));
        assertEquals(List.of("middleware Ping.ping", "ping b", "listener Ping.ping"), events);
    }

    @Test
    void builder_refusesAUrlThatIsNotPostgresJdbc() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PqExtension.builder().url("postgres://x/y?password=secret").build());
        assertEquals("url must be a jdbc:postgresql: URL: postgres://x/y?password=***", e.getMessage());
    }
}
