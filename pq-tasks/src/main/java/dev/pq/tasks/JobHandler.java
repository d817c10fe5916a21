package dev.pq.tasks;

/**
 * A Que-style job class: one class per kind of job, its arguments a JSON-mapped type, its
 * defaults in a {@link Task} annotation on the class.
 *
 * <pre>{@code
 * @Task(priority = 10, queue = "billing", maxRetries = 5)
 * public class ChargeCreditCard implements JobHandler<ChargeCreditCard.Args> {
 *     public record Args(long cardId, long userId) {}
 *
 *     public void run(Args args, JobContext job) throws Exception {
 *         try (PreparedStatement ps = job.connection().prepareStatement(
 *                 "UPDATE users SET charged_at = now() WHERE id = ?")) {
 *             ps.setLong(1, args.userId());
 *             ps.executeUpdate();
 *         }
 *         // returning normally destroys the job in the same transaction as the update
 *     }
 * }
 *
 * tasks.enqueue(ChargeCreditCard.class, new ChargeCreditCard.Args(card, user));
 * }</pre>
 *
 * @param <A> the arguments type, read from the job's JSON
 */
@FunctionalInterface
public interface JobHandler<A> {
    /**
     * Does the job. Returning normally destroys it (unless {@code job} was told to finish, fail
     * or retry); throwing counts an error and retries it with the task's backoff.
     */
    void run(A args, JobContext job) throws Exception;
}
