package dev.pq.chaos;

import java.time.Duration;
import java.util.List;

/** Every scenario of the suite, in the order they run (the soak is separate: a command only). */
final class Scenarios {
    private Scenarios() {
    }

    static List<Scenario> all() {
        return List.of(
                new RestartScenario("fast"),
                new RestartScenario("immediate"),
                new TerminateScenario(false, false),
                new TerminateScenario(true, false),
                new TerminateScenario(true, true),
                new ExhaustionScenario(),
                new KillScenario(false),
                new KillScenario(true),
                new IdleBacklogScenario(),
                new HorizonScenario(false),
                new OverloadScenario(),
                new HorizonScenario(true),
                new BurstScenario());
    }

    static Scenario soak(Duration length) {
        return new SoakScenario(length);
    }
}
