package dev.pq.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import dev.pq.testing.PgTest;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * pq-tasks' structured logs as a user's logging backend (logback) receives them: a handler's own
 * line carries the job's MDC keys, which are gone after the job; pq's failed-job event carries its
 * key-value pairs.
 */
class JobLogsTest extends PgTest {
    public interface Jobs {
        @Task(name = "logs.hello", queue = "logs")
        void hello(String who);

        @Task(name = "logs.bad", queue = "logs", maxRetries = 2, retryIn = "1h")
        void bad();
    }

    private static final org.slf4j.Logger userLog = LoggerFactory.getLogger("com.example.Billing");
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private Logger root;

    @BeforeEach
    void capture() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ((Logger) LoggerFactory.getLogger("com.example")).setLevel(ch.qos.logback.classic.Level.INFO);
        captured.start();
        root.addAppender(captured);
    }

    @AfterEach
    void release() {
        root.detachAppender(captured);
    }

    private ILoggingEvent event(String loggerPrefix, String messageStart) {
        synchronized (captured.list) {
            return captured.list.stream().filter(e -> e.getLoggerName().startsWith(loggerPrefix)
                    && e.getMessage().startsWith(messageStart)).findFirst().orElse(null);
        }
    }

    @Test
    void aHandlersLogLine_carriesTheJobsMdcKeys_andTheFailedEvent_itsKeyValuePairs() throws Exception {
        CountDownLatch ran = new CountDownLatch(2);
        AtomicReference<Map<String, String>> after = new AtomicReference<>();
        Tasks tasks = Tasks.create(pq).register(Jobs.class, new Jobs() {
            public void hello(String who) {
                userLog.info("billing {}", who);
                ran.countDown();
            }

            public void bad() {
                ran.countDown();
                throw new IllegalStateException("card declined");
            }
        });
        Jobs jobs = tasks.client(Jobs.class);
        try (Worker worker = Worker.builder(tasks).queues("logs").workerCount(1)
                .middleware((job, next) -> {
                    MDC.put("tenant", "acme"); // the user's own key around the job, kept after it
                    next.proceed();
                    after.set(MDC.getCopyOfContextMap());
                }).build().start()) {
            jobs.hello("alice");
            long hello = tasks.lastId();
            jobs.bad();
            long bad = tasks.lastId();
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (event("dev.pq.tasks", "job failed") == null) { // logged on the worker thread after the run
                assertTrue(System.nanoTime() < deadline, "the failure was logged within 20 s");
                Thread.sleep(10);
            }

            ILoggingEvent line = event("com.example", "billing");
            assertNotNull(line);
            Map<String, String> mdc = line.getMDCPropertyMap();
            assertEquals(Long.toString(hello), mdc.get("pq.job.id"));
            assertEquals("logs", mdc.get("pq.queue"));
            assertEquals("logs.hello", mdc.get("pq.task"));
            assertEquals("acme", mdc.get("tenant"));

            ILoggingEvent failed = event("dev.pq.tasks", "job failed");
            assertEquals(Long.toString(bad), failed.getMDCPropertyMap().get("pq.job.id"), "pq's own line about the job");
            Map<String, Object> kv = failed.getKeyValuePairs().stream()
                    .collect(Collectors.toMap(p -> p.key, p -> p.value == null ? "null" : p.value));
            assertEquals("job.failed", kv.get("event"));
            assertEquals(bad, kv.get("pq.job.id"));
            assertEquals("logs", kv.get("pq.queue"));
            assertEquals("logs.bad", kv.get("pq.task"));
            assertEquals(1, kv.get("errorCount"));
            assertEquals(true, kv.get("willRetry"));
            assertNotNull(kv.get("nextRunAt"));
            assertTrue(kv.get("error").toString().contains("card declined"));
            assertTrue(failed.getFormattedMessage().startsWith("job failed: id=" + bad + " queue=logs task=logs.bad "
                    + "errorCount=1 retry at "), failed.getFormattedMessage());

            ILoggingEvent started = event("dev.pq.tasks.Worker", "worker started");
            assertNotNull(started);
            Map<String, Object> settings = started.getKeyValuePairs().stream()
                    .collect(Collectors.toMap(p -> p.key, p -> p.value == null ? "null" : p.value));
            assertEquals(1, settings.get("workerCount"));
            assertEquals(worker.id(), settings.get("workerId"));
            assertTrue(settings.keySet().containsAll(java.util.List.of("pollInterval", "waitPeriod", "maximumBufferSize",
                    "jobTimeout", "heartbeatInterval", "unknownTaskRetries", "retention", "limits", "tasks", "queues")));
        }
        Map<String, String> left = after.get();
        assertNotNull(left);
        assertEquals("acme", left.get("tenant"));
        assertNotNull(left.get("pq.job.id"), "inside the job, after the handler, the keys are still there");
        assertNull(MDC.get("pq.job.id"), "the test thread never had them");
    }
}
