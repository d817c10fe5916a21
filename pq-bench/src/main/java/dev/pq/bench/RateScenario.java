package dev.pq.bench;

import java.time.Duration;

/** A throughput scenario: {@link #threads()} threads repeating a {@link RateRunner.Loop}. */
abstract class RateScenario implements Scenario {
    private final String id;
    private final String title;
    private final String unit;
    private final int threads;

    RateScenario(String id, String title, String unit, int threads) {
        this.id = id;
        this.title = title;
        this.unit = unit;
        this.threads = threads;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public String unit() {
        return unit;
    }

    @Override
    public int threads() {
        return threads;
    }

    /** Before each repeat, outside the timing: by default an empty table. */
    void before(BenchDb db, BenchConfig config) throws Exception {
        db.truncate();
    }

    /** The loop of one thread. */
    abstract RateRunner.Loop loop(BenchDb db, int thread) throws Exception;

    @Override
    public Run run(BenchDb db, BenchConfig config, Duration length) throws Exception {
        before(db, config);
        return RateRunner.run(threads, length, t -> loop(db, t));
    }
}
