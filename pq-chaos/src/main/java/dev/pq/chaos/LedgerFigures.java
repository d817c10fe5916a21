package dev.pq.chaos;

import java.util.List;

/**
 * What the ledger says after a scenario's drain wait.
 *
 * @param enqueued          committed enqueues (ledger rows of the producer)
 * @param completed         jobs with at least one committed effect
 * @param lost              enqueued jobs without any effect
 * @param lostPending       of those, still pending in the queue table
 * @param lostFailed        of those, marked failed in the queue table
 * @param lostGone          of those, with no row left in the queue table at all
 * @param phantom           effects of job numbers the producer never committed
 * @param runs              executions recorded
 * @param extraRuns         executions beyond one, summed over jobs
 * @param extraUnexplained  of those, repeats with no fault between the two runs
 * @param repeats           the repeated jobs, one line each (the first few)
 * @param doubleEffects     jobs whose effect committed more than once
 * @param doubles           those jobs, one line each (the first few)
 * @param failedInQueue     rows marked failed in the queue table
 * @param errors            the last errors pq recorded on jobs (the first few)
 */
record LedgerFigures(long enqueued, long completed, long lost, long lostPending, long lostFailed, long lostGone,
                     long phantom, long runs, long extraRuns, long extraUnexplained, List<String> repeats,
                     long doubleEffects, List<String> doubles, long failedInQueue, List<String> errors) {

    LedgerFigures {
        repeats = List.copyOf(repeats);
        doubles = List.copyOf(doubles);
        errors = List.copyOf(errors);
    }

    /** Executions beyond one that a fault explains. */
    long extraAtFaults() {
        return extraRuns - extraUnexplained;
    }
}
