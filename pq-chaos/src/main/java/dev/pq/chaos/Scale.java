package dev.pq.chaos;

import java.time.Duration;

/**
 * How long and how big each scenario is: {@link #FULL} (issue #7's durations) or {@link #SHORT}
 * (seconds each, for CI: the whole short suite takes about five minutes on 2 cores).
 *
 * @param name           {@code full} or {@code short}
 * @param warmup         load before a fault
 * @param after          load after a fault's end (recovery is measured in it)
 * @param terminateFor   how long backends are terminated every 2 s
 * @param exhaustFor     how long the connections are held
 * @param killFor        how long a random worker is SIGKILLed every 3 s
 * @param backlog        the prefilled backlog of the idle-workers scenario
 * @param pressureBefore load before a pressure (baseline)
 * @param pressureAfter  load after it ends
 * @param xminFor        how long an idle-in-transaction session pins xmin
 * @param snapshotFor    how long a REPEATABLE READ reader holds its snapshot
 * @param overloadFor    how long the producer runs at 1.5x the drain rate
 * @param calibration    how long the drain rate is measured before the overload (producer unthrottled)
 * @param burst          jobs of the burst
 * @param drainTimeout   how long the end-of-scenario drain may take before jobs count as lost
 * @param rate           the standard load, jobs/s
 */
record Scale(String name, Duration warmup, Duration after, Duration terminateFor, Duration exhaustFor,
             Duration killFor, int backlog, Duration pressureBefore, Duration pressureAfter, Duration xminFor,
             Duration snapshotFor, Duration overloadFor, Duration calibration, int burst, Duration drainTimeout, int rate) {

    static final Scale FULL = new Scale("full", s(10), s(10), s(30), s(30), s(60), 20_000, s(30), s(60), s(180),
            s(120), s(120), s(20), 100_000, s(180), 200);
    static final Scale SHORT = new Scale("short", s(2), s(4), s(6), s(5), s(12), 2_000, s(5), s(5), s(15),
            s(15), s(15), s(8), 10_000, s(60), 200);

    static Scale named(String name) {
        return switch (name) {
            case "full" -> FULL;
            case "short" -> SHORT;
            default -> throw new IllegalArgumentException("chaos.scale must be full or short: " + name);
        };
    }

    boolean isShort() {
        return this == SHORT;
    }

    private static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }
}
