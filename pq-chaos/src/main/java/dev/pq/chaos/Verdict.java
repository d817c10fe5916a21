package dev.pq.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * The pass criteria of one scenario, each checked and explained: PASS only if all hold.
 *
 * <pre>{@code
 * Verdict v = Verdict.of(figures).recovery(recovery);
 * v.pass();        // false
 * v.reasons();     // "2 jobs with effects committed twice (n=17, n=40)"
 * }</pre>
 */
final class Verdict {
    /** One criterion and how it came out. */
    record Check(String name, boolean pass, String detail) {
    }

    private final List<Check> checks = new ArrayList<>();

    /** The ledger criteria every scenario has. */
    static Verdict of(LedgerFigures f) {
        Verdict v = new Verdict();
        v.add("no job lost", f.lost() == 0, f.lost() == 0 ? "0 lost" : f.lost() + " jobs without effect ("
                + f.lostPending() + " still pending, " + f.lostFailed() + " marked failed, " + f.lostGone()
                + " gone from the queue)");
        v.add("no effect committed twice", f.doubleEffects() == 0,
                f.doubleEffects() == 0 ? "0" : f.doubleEffects() + " jobs with effects committed twice: "
                        + String.join("; ", f.doubles().subList(0, Math.min(6, f.doubles().size()))));
        v.add("repeats only at faults", f.extraUnexplained() == 0, f.extraUnexplained() == 0
                ? f.extraRuns() + " executions beyond one, all of jobs in flight at a fault (or locked up to "
                        + Timeline.GRACE.toSeconds() + " s before it)"
                : f.extraUnexplained() + " of " + f.extraRuns() + " executions beyond one with no fault in between");
        v.add("no phantom effect", f.phantom() == 0, f.phantom() + " effects of jobs the producer never committed");
        return v;
    }

    Verdict recovery(Recovery r) {
        add("every worker resumed within " + r.limit().toSeconds() + " s", r.allResumed(), r.describe());
        return this;
    }

    Verdict idle(IdleSeconds idle) {
        add("no worker idle while free ready jobs exist", idle.total() == 0, idle.describe());
        return this;
    }

    Verdict add(String name, boolean pass, String detail) {
        checks.add(new Check(name, pass, detail));
        return this;
    }

    List<Check> checks() {
        return List.copyOf(checks);
    }

    boolean pass() {
        return checks.stream().allMatch(Check::pass);
    }

    /** The failed criteria with their details, or "" when all passed. */
    String reasons() {
        StringBuilder s = new StringBuilder();
        for (Check c : checks) {
            if (!c.pass()) {
                s.append(s.length() == 0 ? "" : "; ").append(c.name()).append(": ").append(c.detail());
            }
        }
        return s.toString();
    }
}
