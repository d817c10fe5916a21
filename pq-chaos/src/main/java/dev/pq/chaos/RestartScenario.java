package dev.pq.chaos;

import java.time.Duration;
import java.time.Instant;

/** Scenario 1: {@code pg_ctl restart -m fast|immediate} under load. */
final class RestartScenario extends FaultScenario {
    private final String mode;

    RestartScenario(String mode) {
        this.mode = mode;
    }

    @Override
    public String id() {
        return "restart." + mode;
    }

    @Override
    public String title(Scale s) {
        return "PostgreSQL restart (" + mode + ") after " + seconds(s.warmup()) + " of load, " + seconds(s.after())
                + " more after";
    }

    @Override
    Instant inject(Run run) {
        Instant start = Instant.now();
        Instant accepting = run.env.cluster().restart(mode);
        run.timeline.add("restart -m " + mode, start, accepting);
        run.notes.add("server unavailable for " + Duration.between(start, accepting).toMillis() + " ms (pg_ctl restart -m "
                + mode + " until a connection succeeds)");
        return accepting;
    }
}
