package dev.pq.tasks;

/**
 * Code around every job's execution in a worker (Que's middleware, Resque's around hooks):
 * timing, tracing, MDC, tenant context. Call {@code next.proceed()} exactly once to run the job
 * (and the middleware after this one); throw to fail it.
 *
 * <pre>{@code
 * Worker.builder(tasks).middleware((job, next) -> {
 *     MDC.put("job", Long.toString(job.id()));
 *     try { next.proceed(); } finally { MDC.remove("job"); }
 * });
 * }</pre>
 */
@FunctionalInterface
public interface Middleware {
    /** Runs around one job. */
    void around(JobContext job, Chain next) throws Exception;

    /** The rest of the chain: the next middleware, and at its end the job itself. */
    @FunctionalInterface
    interface Chain {
        /** Runs the rest of the chain. */
        void proceed() throws Exception;
    }
}
