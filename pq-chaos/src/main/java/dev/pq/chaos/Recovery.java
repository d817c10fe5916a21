package dev.pq.chaos;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long each worker process took to work again after a fault ended: from the later of the
 * fault's end and the moment work was available to it (a job enqueued and not yet done), to its
 * first committed effect after that. A replacement process counts from the moment its worker
 * had started, not from the fault (a JVM's start-up is not pq's to speed up; it is reported
 * apart). A process with no effect at all before the load ended has not resumed.
 *
 * @param faultEnd   when the fault ended (server accepting again, killing stopped, ...)
 * @param byWorker   per process label: ms to resume, or -1 if it never did
 * @param noWork     processes that had no work available after the fault (not counted)
 * @param limit      the pass limit per process
 */
record Recovery(Instant faultEnd, Map<String, Long> byWorker, List<String> noWork, Duration limit) {
    static final Duration LIMIT = Duration.ofSeconds(2);

    Recovery {
        byWorker = Map.copyOf(byWorker);
        noWork = List.copyOf(noWork);
    }

    /** The slowest process's time in ms (-1 if one never resumed). */
    long maxMs() {
        long max = 0;
        for (long ms : byWorker.values()) {
            if (ms < 0) {
                return -1;
            }
            max = Math.max(max, ms);
        }
        return max;
    }

    boolean allResumed() {
        long max = maxMs();
        return max >= 0 && max <= limit.toMillis();
    }

    String describe() {
        StringBuilder s = new StringBuilder();
        new java.util.TreeMap<>(byWorker).forEach((w, ms) -> s.append(s.length() == 0 ? "" : ", ").append(w).append(' ')
                .append(ms < 0 ? "never" : ms + " ms"));
        if (!noWork.isEmpty()) {
            s.append(" (no work after the fault: ").append(String.join(", ", noWork)).append(')');
        }
        return s.toString();
    }

    /** Measures the processes {@code members} (with when each had started) after {@code faultEnd}. */
    static Recovery measure(Connection c, Instant faultEnd, Map<String, Instant> members) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        List<String> noWork = new java.util.ArrayList<>();
        for (Map.Entry<String, Instant> m : members.entrySet()) {
            Instant from = m.getValue() != null && m.getValue().isAfter(faultEnd) ? m.getValue() : faultEnd;
            Instant available = workAvailable(c, from);
            if (available == null) {
                noWork.add(m.getKey());
                continue;
            }
            Instant first = Ledger.instant(c, LedgerSql.FIRST_EFFECT_AFTER, m.getKey(), from);
            out.put(m.getKey(), first == null ? -1L : Math.max(0, Duration.between(available, first).toMillis()));
        }
        return new Recovery(faultEnd, out, noWork, LIMIT);
    }

    /** {@code from} if a job was open then, else the first enqueue after it (null: none). */
    private static Instant workAvailable(Connection c, Instant from) throws SQLException {
        if (Ledger.count(c, LedgerSql.OPEN_AT, from, from) > 0) {
            return from;
        }
        return Ledger.instant(c, LedgerSql.FIRST_ENQUEUED_AFTER, from);
    }

    /** The processes alive at the end, with when each had started. */
    static Map<String, Instant> members(Fleet fleet) {
        Map<String, Instant> m = new LinkedHashMap<>();
        List<Fleet.Member> alive = fleet.alive();
        for (Fleet.Member w : alive) {
            m.put(w.label(), fleet.readyAt(w));
        }
        return m;
    }
}
