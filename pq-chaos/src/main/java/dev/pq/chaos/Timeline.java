package dev.pq.chaos;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The faults of one scenario as time intervals (a kill is an interval from just before the
 * signal or statement to just after it). A job run more than once is explained by a fault when
 * one falls between the start of a run and the start of the next (the job was running then), or
 * ended at most {@link #GRACE} before the earlier run started: a job already locked when the
 * fault hit can start a moment later on a pooled connection the fault broke (HikariCP hands out
 * a connection used within the last 500 ms without checking it) and fail there.
 */
final class Timeline {
    static final java.time.Duration GRACE = java.time.Duration.ofSeconds(2);

    /** One fault: what, from when to when. */
    record Fault(String kind, Instant start, Instant end) {
        Fault {
            if (end.isBefore(start)) {
                throw new IllegalArgumentException("fault ends before it starts: " + start + " > " + end);
            }
        }
    }

    private final List<Fault> faults = new ArrayList<>();

    synchronized void add(String kind, Instant start, Instant end) {
        faults.add(new Fault(kind, start, end));
    }

    synchronized List<Fault> faults() {
        return List.copyOf(faults);
    }

    /** The end of the last fault, or null if none happened. */
    synchronized Instant lastEnd() {
        return faults.stream().map(Fault::end).max(Instant::compareTo).orElse(null);
    }

    /** True if some fault overlaps [from, to]. */
    synchronized boolean between(Instant from, Instant to) {
        return faults.stream().anyMatch(f -> !f.end().isBefore(from) && !f.start().isAfter(to));
    }

    /** True if a fault explains a run starting at {@code next} after one that started at {@code previous}. */
    boolean explains(Instant previous, Instant next) {
        return between(previous.minus(GRACE), next);
    }
}
