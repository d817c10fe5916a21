package dev.pq.chaos;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 6b: first the drain rate of the two worker processes is measured (jobs of 10–30 ms,
 * fed by a producer at 800/s, twice what they could do); then a producer runs at 1.5x that rate for a while (the
 * backlog grows), stops, and the backlog is drained. Idle seconds are counted over the overload
 * and the drain after it. (Measured on a prefilled backlog instead, the rate would be what
 * scenario 5 shows: lower, as lockers idle without notifications.)
 */
final class OverloadScenario implements Scenario {
    @Override
    public String id() {
        return "pressure.overload";
    }

    @Override
    public String title(Scale s) {
        return "a producer at 1.5x the measured drain rate for " + s.overloadFor().toSeconds() + " s, then the drain";
    }

    @Override
    public ScenarioResult run(Env env) throws Exception {
        Scale scale = env.scale();
        try (Run run = Run.begin(env, id()); Sampler sampler = new Sampler(env, Duration.ofMillis(200), 5).start()) {
            // The drain rate: the workers fed faster than they can work (twice what 8 threads could
            // do with 20 ms jobs; its notifications keep every locker busy), completions over the
            // second half. Faster would only pile up a backlog to drain before the real test.
            run.produce(2 * 8 / 0.020, Sleeps.uniform(10, 30));
            Sleeps.of(scale.calibration());
            Instant c1 = Instant.now();
            run.stopProducer();
            Drain calibration;
            try (Connection c = env.admin()) {
                calibration = Drain.between(c, c1.minus(scale.calibration().dividedBy(2)), c1);
            }
            Ledger.awaitDrained(env, scale.drainTimeout());
            double target = 1.5 * calibration.rate();
            run.notes.add(String.format("measured drain rate %.0f jobs/s (completions while a producer at 800/s fed "
                    + "the workers, %,d in %.1f s); producer target %.0f/s", calibration.rate(), calibration.jobs(),
                    calibration.seconds(), target));
            Instant o0 = Instant.now();
            run.produce(target, Sleeps.uniform(10, 30));
            Sleeps.of(scale.overloadFor());
            run.stopProducer();
            Instant o1 = Instant.now();
            List<Sampler.Sample> during = sampler.detailed(o0, o1);
            long backlog = during.isEmpty() ? 0 : during.get(during.size() - 1).pending();
            long wait = Math.max(scale.drainTimeout().toMillis(), (long) (3_000 * backlog / Math.max(1, calibration.rate())));
            long left = Ledger.awaitDrained(env, Duration.ofMillis(wait));
            sampler.close();
            IdleSeconds idle;
            try (Connection c = env.admin()) {
                Drain after = Drain.between(c, o1, Instant.now().plusSeconds(1));
                run.notes.add(String.format("backlog grew to %,d jobs in %d s (%.0f/s); drained %.1f s after the producer "
                        + "stopped%s", backlog, scale.overloadFor().toSeconds(), backlog / (double) scale.overloadFor()
                        .toSeconds(), Duration.between(o1, after.last()).toMillis() / 1e3, left == 0 ? "" : " (not all: "
                        + left + " left)"));
                Map<String, Instant> ready = new LinkedHashMap<>();
                run.fleet.alive().forEach(m -> ready.put(m.label(), run.fleet.readyAt(m)));
                idle = IdleSeconds.measure(c, sampler.samples(), ready, o0, after.last());
                IdleSeconds fed = IdleSeconds.measure(c, sampler.samples(), ready, o0, o1);
                IdleSeconds drain = IdleSeconds.measure(c, sampler.samples(), ready, o1, after.last());
                run.notes.add("idle while the producer ran (notifications arriving): " + fed.describe()
                        + "; while the backlog drained (none): " + drain.describe());
            }
            idle.examples().stream().limit(3).forEach(run.notes::add);
            run.notes.addAll(idle.perSecond());
            return run.finish(title(scale), null, idle, v -> {
            });
        }
    }
}
