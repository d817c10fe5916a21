package dev.pq.tasks;

/**
 * The outcome of one enqueue: the job's id and whether a unique key made it an existing job.
 *
 * @param id        the id of the job added, or of the existing job that holds the key (0 when run inline)
 * @param duplicate true if no job was added because another holds the key
 * @param replaced  true if that waiting job's arguments and times were replaced by this enqueue's
 *                  ({@link Unique.OnDuplicate#REPLACE}); implies {@code duplicate}
 */
public record Enqueued(long id, boolean duplicate, boolean replaced) {
    /** Checks that {@code replaced} implies {@code duplicate}. */
    public Enqueued {
        if (replaced && !duplicate) {
            throw new IllegalArgumentException("a replaced job is a duplicate");
        }
    }

    /** A job added. */
    public static Enqueued created(long id) {
        return new Enqueued(id, false, false);
    }
}
