package dev.pq.tasks.internal;

import dev.pq.tasks.Limit;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One lock round of a worker whose queue list holds limited queues: rate grants first (up to what
 * the round may lock), then {@link LimitsSql#lockLimited} over the whole list, then the re-check.
 * Jobs of concurrency-limited queues (and of queues with a per-process cap) are locked only for
 * threads free now (no buffering ahead), so they hold no slot while they wait; jobs of a queue with
 * only a rate are buffered like any other, their grants stamped again as they start. Unused grants
 * are given back at once.
 */
final class LimitedLock {
    /** What a round did: jobs buffered; more lockable now; more once a thread frees; nanos until a rate frees (or -1). */
    record Result(int locked, boolean more, boolean threadBound, long rateWaitNanos, int candidates) {
    }

    private static final int NONE = Integer.MAX_VALUE;

    private final TasksDb db;
    private final Limits limits;
    private final LockerSession session;
    private final LimitHolds holds;
    private final Set<String> ensured = new java.util.HashSet<>();

    LimitedLock(TasksDb db, Limits limits, LockerSession session) {
        this.db = db;
        this.limits = limits;
        this.session = session;
        this.holds = session.limits;
    }

    Result lock(List<String> list, Buffer buffer, int capacity, int maxPriority, int window) throws SQLException {
        Connection c = session.connection();
        int startNow = Math.max(0, buffer.capacity(0));
        List<Integer> budgets = new ArrayList<>(List.of(NONE));
        Map<String, Integer> rateBudget = new HashMap<>();
        Map<String, List<LimitsDb.Grant>> grants = new LinkedHashMap<>();
        long rateWait = -1;
        List<LimitsDb.QueueParams> params = new ArrayList<>(list.size());
        for (String q : list) {
            Limits.OnQueue on = limits.of(q);
            if (on == null) {
                params.add(new LimitsDb.QueueParams(q, null, 0, null, false, false, 1, 1));
                continue;
            }
            int b1 = 1;
            if (on.maxRunning() > 0) {
                budgets.add(Math.max(0, on.maxRunning() - holds.count(q)));
                b1 = budgets.size();
            }
            int b2 = 1;
            Limit rate = on.rate();
            if (rate != null) {
                Integer b = rateBudget.get(rate.name());
                if (b == null) {
                    // as many as this round may lock: the threads free now, or the buffer's room too
                    // when the queue buffers (its grant is stamped again at the start)
                    int want = on.startsNow() ? startNow : capacity;
                    List<LimitsDb.Grant> got = want == 0 ? List.of() : grant(c, rate, want);
                    grants.put(rate.name(), got);
                    budgets.add(got.size());
                    b = budgets.size();
                    rateBudget.put(rate.name(), b);
                    if (want > 0 && got.size() < want) {
                        long micros = micros(rate);
                        double s = holds.db().untilFree(c, rate.name(), rate.maxStarts(), micros);
                        long nanos = Math.max(100_000L, (long) (s * 1e9)); // at least 0.1 ms: no spin
                        rateWait = rateWait < 0 ? nanos : Math.min(rateWait, nanos);
                    }
                }
                b2 = b;
            }
            Limit conc = on.concurrency();
            params.add(new LimitsDb.QueueParams(q, conc == null ? null : conc.task(),
                    conc == null ? 0 : conc.maxConcurrency(), conc == null ? null : conc.name(),
                    conc != null && conc.perGroupKey(), on.startsNow(), b1, b2));
        }
        int[] budgetArray = budgets.stream().mapToInt(Integer::intValue).toArray();
        LimitsDb.Walk walk = holds.db().lockLimited(c, params, maxPriority, new ArrayList<>(session.taken()), window,
                budgetArray, holds.heldSlots(), startNow, capacity);
        List<Long> ids = new ArrayList<>();
        Map<Long, Integer> slots = new HashMap<>();
        int contended = 0;
        int threadBound = 0;
        for (LimitsDb.Step s : walk.steps()) {
            switch (s.code()) {
                case 1 -> contended++;
                case 0 -> threadBound++;
                case 2 -> ids.add(s.id());
                case 3 -> {
                    ids.add(s.id());
                    slots.put(s.id(), s.slot());
                }
                default -> {
                    // 4: no slot free (wait for a release's notification), 5: budget spent
                }
            }
        }
        if (ids.isEmpty()) {
            giveBackGrants(c, grants, Map.of());
            return new Result(0, contended > 0, threadBound > 0, rateWait, walk.candidates());
        }
        long[] array = ids.stream().mapToLong(Long::longValue).toArray();
        List<LockedJob> jobs = db.recheck(c, array);
        Map<Long, LockedJob> byId = new HashMap<>();
        jobs.forEach(j -> byId.put(j.id(), j));
        List<LockedJob> ordered = new ArrayList<>(jobs.size());
        Set<Long> gone = new LinkedHashSet<>();
        Map<String, Integer> usedByRate = new HashMap<>();
        for (long id : array) {
            LockedJob j = byId.get(id);
            Limits.OnQueue on = j == null ? null : limits.of(j.queue());
            if (j == null) {
                gone.add(id);
            } else {
                ordered.add(j);
                if (on != null && on.rate() != null) {
                    usedByRate.merge(on.rate().name(), 1, Integer::sum);
                }
            }
            if (on != null || slots.containsKey(id)) {
                holds.record(id, j == null ? "" : j.queue(), slots.get(id));
            }
        }
        Map<String, Integer> next = new HashMap<>();
        for (LockedJob j : ordered) {
            Limits.OnQueue on = limits.of(j.queue());
            if (on != null && on.rate() != null) {
                int i = next.merge(on.rate().name(), 1, Integer::sum) - 1;
                holds.granted(j.id(), on.rate().name(), grants.get(on.rate().name()).get(i));
            }
        }
        giveBackGrants(c, grants, usedByRate);
        session.locked(byId.keySet(), List.of());
        if (!gone.isEmpty()) {
            // locked, then found finished: released with their slots now
            session.locked(gone, List.of());
            session.release(gone);
            session.releasePending();
        }
        if (!buffer.addAll(ordered)) {
            session.release(new ArrayList<>(byId.keySet()));
            return new Result(0, false, false, rateWait, walk.candidates());
        }
        boolean more = contended > 0 || threadBound > 0 || !gone.isEmpty() || ids.size() >= capacity
                || walk.candidates() >= window;
        return new Result(ordered.size(), more, threadBound > 0, rateWait, walk.candidates());
    }

    private List<LimitsDb.Grant> grant(Connection c, Limit rate, int want) throws SQLException {
        if (ensured.add(rate.name())) {
            holds.db().ensureRate(c, rate.name(), rate.maxStarts());
        }
        return holds.db().grant(c, rate.name(), rate.maxStarts(), micros(rate), want);
    }

    private static long micros(Limit rate) {
        return TimeUnit.NANOSECONDS.toMicros(rate.period().toNanos());
    }

    private void giveBackGrants(Connection c, Map<String, List<LimitsDb.Grant>> grants, Map<String, Integer> used)
            throws SQLException {
        for (Map.Entry<String, List<LimitsDb.Grant>> e : grants.entrySet()) {
            List<LimitsDb.Grant> got = e.getValue();
            int u = used.getOrDefault(e.getKey(), 0);
            if (got.size() > u) {
                holds.db().giveBack(c, e.getKey(), got.subList(u, got.size()));
            }
        }
    }
}
