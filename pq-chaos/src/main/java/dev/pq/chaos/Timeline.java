package dev.pq.chaos;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The faults of one scenario as time intervals (a kill is an interval from just before the
 * signal or statement to just after it). A job run more than once is explained by a fault when
 * one falls between the start of a run and the start of the next: the job was in flight then.
 */
final class Timeline {
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
}
