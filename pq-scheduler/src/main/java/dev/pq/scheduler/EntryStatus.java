package dev.pq.scheduler;

import java.time.Instant;
import java.util.List;

/**
 * An entry of the schedule as operations see it.
 *
 * @param entry    the entry
 * @param lastRun  the match time of the last job the scheduler enqueued for it, or null if none (in the audit kept)
 * @param nextRuns its next three run times after now
 */
public record EntryStatus(ScheduleEntry entry, Instant lastRun, List<Instant> nextRuns) {
    public EntryStatus {
        nextRuns = List.copyOf(nextRuns);
    }
}
