package dev.pq.bench;

import java.util.Map;

/**
 * One thing the benchmark measures. For the warm-up and for each measured repeat the runner calls
 * {@link #setUp}, {@link #run} and {@link #tearDown}. A scenario that reports something
 * other than a rate (latency percentiles, table growth) returns its headline figure as
 * {@link Run#value} and the rest in {@link Run#extra}.
 */
interface Scenario {
    /** A stable id, e.g. {@code pq.put.t4}: used to select scenarios and as the JSON key. */
    String id();

    /** What it measures, for the table. */
    String title();

    /** The unit of {@link Run#value}, e.g. {@code jobs/s}. */
    String unit();

    /** Client threads. */
    int threads();

    default void setUp(BenchDb db) throws Exception {
    }

    /** One warm-up or measured repeat of about {@code config.duration()} (or the warm-up time). */
    Run run(BenchDb db, BenchConfig config, java.time.Duration length) throws Exception;

    /** The warm-up run: by default a run of {@code config.warmup()}. */
    default Run warmup(BenchDb db, BenchConfig config) throws Exception {
        return run(db, config, config.warmup());
    }

    default void tearDown() throws Exception {
    }

    /**
     * One repeat's outcome.
     *
     * @param value   the headline figure, in {@link Scenario#unit()}
     * @param units   what was done (jobs, rows, transactions)
     * @param seconds the measured time
     * @param extra   anything else worth keeping in the JSON file
     */
    record Run(double value, long units, double seconds, Map<String, Object> extra) {
    }
}
