package dev.pq.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

/**
 * The shape of most scenarios: two worker processes of four threads under the standard load
 * (200 jobs/s of 0–5 ms), a warm-up, the fault, more load after its end (recovery is measured
 * there), then the drain and the judgement.
 */
abstract class FaultScenario implements Scenario {
    int processes() {
        return 2;
    }

    double rate(Scale scale) {
        return scale.rate();
    }

    IntSupplier sleeps() {
        return Sleeps.uniform(0, 5);
    }

    /** Injects the fault; returns when it ended. Adds the fault to {@code run.timeline}. */
    abstract Instant inject(Run run) throws Exception;

    @Override
    public ScenarioResult run(Env env) throws Exception {
        Scale scale = env.scale();
        try (Run run = Run.begin(env, id(), processes())) {
            run.produce(rate(scale), sleeps());
            Sleeps.of(scale.warmup());
            Instant end = inject(run);
            Sleeps.millis(Duration.between(Instant.now(), end.plus(scale.after())).toMillis());
            return run.finish(title(scale), end, null, v -> {
            });
        }
    }

    static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }
}
