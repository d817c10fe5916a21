package dev.pq.chaos;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario 6d: a burst of jobs (0 ms) put as fast as two threads can, 1,000 per transaction,
 * while two worker processes run: how long it takes to enqueue and to drain, and idle seconds.
 */
final class BurstScenario implements Scenario {
    @Override
    public String id() {
        return "pressure.burst";
    }

    @Override
    public String title(Scale s) {
        return String.format("a burst of %,d jobs (1,000 per transaction) into 2 running workers", s.burst());
    }

    @Override
    public ScenarioResult run(Env env) throws Exception {
        Scale scale = env.scale();
        try (Run run = Run.begin(env, id()); Sampler sampler = new Sampler(env, Duration.ofMillis(200), 5).start()) {
            Instant b0 = Instant.now();
            long enqueueNanos = Prefill.fill(env, run.numbers, scale.burst(), Sleeps.uniform(0, 0), 1_000, 2);
            Instant b1 = Instant.now();
            long left = Ledger.awaitDrained(env, scale.drainTimeout().plusMillis(scale.burst() * 2L));
            sampler.close();
            IdleSeconds idle;
            try (Connection c = env.admin()) {
                Drain d = Drain.between(c, b0, Instant.now().plusSeconds(1));
                long peak = sampler.samples().stream().mapToLong(Sampler.Sample::pending).max().orElse(0);
                run.notes.add(String.format("enqueued %,d in %.1f s (%.0f/s); all done %.1f s after the burst began, "
                        + "%.1f s after the last enqueue; drain %.0f jobs/s; peak backlog %,d%s", scale.burst(),
                        enqueueNanos / 1e9, scale.burst() / (enqueueNanos / 1e9), Duration.between(b0, d.last()).toMillis() / 1e3,
                        Duration.between(b1, d.last()).toMillis() / 1e3, d.rate(), peak, left == 0 ? "" : "; " + left
                        + " not done in time"));
                Map<String, Instant> ready = new LinkedHashMap<>();
                run.fleet.alive().forEach(m -> ready.put(m.label(), run.fleet.readyAt(m)));
                idle = IdleSeconds.measure(c, sampler.samples(), ready, b0, d.last());
            }
            idle.examples().stream().limit(3).forEach(run.notes::add);
            run.notes.addAll(idle.perSecond());
            return run.finish(title(scale), null, idle, v -> {
            });
        }
    }
}
