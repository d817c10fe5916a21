package dev.pq.test;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A pending job as the kit reads it from the queue table ({@link PqKit#enqueued()}): ready or
 * scheduled, not yet completed or failed.
 *
 * <pre>{@code
 * QueuedJob job = kit.assertEnqueued("Mailer.send", "ada@example.com");
 * assertEquals("mail", job.queue());
 * assertEquals("ada@example.com", job.args().get(0).asText());
 * }</pre>
 *
 * @param id         the job id
 * @param queue      the queue
 * @param task       the task name ({@code null} for a pq-core job put without one)
 * @param priority   the priority (lower runs first)
 * @param runAt      when it is due: its schedule (or retry) time, else when it was enqueued
 * @param scheduled  true if it is due later, false if it is ready now
 * @param errorCount how many times it failed so far
 * @param json       its arguments as stored (a JSON array for a task method, a JSON value for a job class),
 *                   or {@code null} for a binary payload
 * @param args       {@code json} parsed, or {@code null}
 */
public record QueuedJob(long id, String queue, String task, int priority, Instant runAt, boolean scheduled,
                        int errorCount, String json, JsonNode args) {
    public QueuedJob {
        Objects.requireNonNull(queue, "queue");
    }

    /** One line for failure messages: {@code #12 Mailer.send ["ada"] queue=mail priority=100 ready}. */
    public String describe() {
        return "#" + id + " " + task + " " + (json == null ? "(binary payload)" : json) + " queue=" + queue
                + " priority=" + priority + (scheduled ? " scheduled at " + runAt : " ready")
                + (errorCount > 0 ? " errors=" + errorCount : "");
    }
}
