package dev.pq.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one scenario found.
 *
 * @param id        the scenario id ({@code restart.fast})
 * @param title     what it did, in words
 * @param figures   the ledger's figures
 * @param recovery  time to resume after the fault, or null where the scenario has no fault end
 * @param idle      idle seconds with ready jobs, or null where not measured
 * @param notes     measurements beyond the ledger (rates, sizes, latencies), one line each
 * @param verdict   the criteria
 * @param logs      where the worker and server logs were kept (failed scenarios), or null
 * @param elapsed   how long the scenario took
 */
record ScenarioResult(String id, String title, LedgerFigures figures, Recovery recovery, IdleSeconds idle,
                      List<String> notes, Verdict verdict, Path logs, Duration elapsed) {
    ScenarioResult {
        notes = List.copyOf(notes);
    }

    boolean pass() {
        return verdict.pass();
    }

    /** A scenario that could not run to its end (the harness failed, not necessarily pq). */
    static ScenarioResult crashed(Scenario s, Scale scale, Throwable e, Duration elapsed) {
        LedgerFigures none = new LedgerFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), 0, List.of(), 0, List.of());
        Verdict v = new Verdict().add("ran to its end", false, e.toString());
        return new ScenarioResult(s.id(), s.title(scale), none, null, null, List.of(), v, null, elapsed);
    }
}
