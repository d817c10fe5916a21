package dev.pq;

/**
 * A payload could not be encoded on {@code put}, or a stored payload could not be decoded on
 * {@code get}. On encode nothing is written; on decode the job's row is left in the table exactly
 * as it was, so it can be read with another serializer (for example {@link Serializers#bytes()})
 * or removed with {@link Queue#delete(long)}.
 *
 * <pre>{@code
 * try {
 *     queue.get();
 * } catch (SerializationException e) {
 *     log.warn("poison job {} in {}", e.jobId(), e.queue());
 * }
 * }</pre>
 */
public class SerializationException extends PQException {
    private static final long serialVersionUID = 1L;

    private final String queue;
    private final Long jobId;
    private final String type;

    /** Creates the exception; {@code jobId} is null when encoding (no job exists yet). */
    public SerializationException(String queue, Long jobId, String type, Throwable cause) {
        this(queue, jobId, type, "the job was left in the queue", cause);
    }

    /**
     * Creates the exception for a job that cannot be decoded, saying what became of the job
     * ({@code fate}, e.g. "the job was marked failed").
     */
    public SerializationException(String queue, Long jobId, String type, String fate, Throwable cause) {
        super(jobId == null
                ? "cannot encode a value of type " + type + " for queue \"" + queue + "\": " + cause.getMessage()
                : "cannot decode job " + jobId + " of queue \"" + queue + "\" as " + type
                        + " (" + fate + "): " + cause.getMessage(), cause);
        this.queue = queue;
        this.jobId = jobId;
        this.type = type;
    }

    /** The queue name. */
    public String queue() {
        return queue;
    }

    /** The job id, or null when the failure was in encoding. */
    public Long jobId() {
        return jobId;
    }

    /** The type the serializer encodes or decodes. */
    public String type() {
        return type;
    }
}
