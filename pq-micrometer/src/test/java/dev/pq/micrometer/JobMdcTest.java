package dev.pq.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pq.tasks.internal.JobMdc;
import dev.pq.tasks.internal.LockedJob;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** (Here, not in pq-tasks: slf4j-simple, pq-tasks' test backend, has no MDC.) The job's MDC keys are there during its run and, after it, what the thread had before is back. */
class JobMdcTest {
    @Test
    void jobKeys_areSetForTheRun_andTheThreadsOwnValuesComeBackAfterIt() {
        MDC.put("pq.queue", "outer");
        MDC.put("tenant", "acme");
        LockedJob job = new LockedJob(42, "mail", 0, "mail.send", "[]", null, 0, Instant.now(), null, Instant.now(), 1,
                System.nanoTime(), false);
        try (JobMdc mdc = JobMdc.put(job)) {
            assertEquals("42", MDC.get("pq.job.id"));
            assertEquals("mail", MDC.get("pq.queue"));
            assertEquals("mail.send", MDC.get("pq.task"));
        }
        assertNull(MDC.get("pq.job.id"), "removed after the job");
        assertNull(MDC.get("pq.task"), "removed after the job");
        assertEquals("outer", MDC.get("pq.queue"), "the thread's own value is restored");
        assertEquals("acme", MDC.get("tenant"));
        MDC.clear();
    }
}
