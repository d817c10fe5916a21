package dev.pq.internal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;

/**
 * Which process wakes first on a job notification, so that N idle processes waiting on one queue do
 * not all run their lock round at the same instant (the thundering herd). Every listener reads the
 * same view of the waiters registry (the live LISTEN backends per queue, sorted by pid, refreshed
 * every second) and picks the same first listener for a notification: the one at index
 * {@code sender pid mod n}, where the sender is the backend that sent the notification (the same for
 * every receiver). The first wakes at once; the others wake {@link #DELAY_NANOS} later, with every
 * notification of a queue that arrived meanwhile folded into that one wake.
 *
 * <p>Nothing is skipped, only deferred: every listener still wakes for every notification, so a
 * first listener that is busy, dead or gone costs the job at most the delay, never a poll interval.
 * When the view is empty, has one listener or lacks this one (just connected, views differ for up
 * to a second), the wake is immediate, as without this class. Listener thread only, except the view.
 */
final class Stagger {
    /**
     * How long the listeners that are not first wait before they wake: long enough for the first
     * one's lock round to be over on a loaded machine (8 idle processes on 2 cores, pq.scale:
     * put-to-start p50 2.0 ms without the stagger, 1.0–1.3 ms with 5 ms), short against the poll.
     */
    static final long DELAY_NANOS = 5_000_000L;
    /** How often the view is read. */
    static final long REFRESH_NANOS = 1_000_000_000L;

    private static final int[] NONE = new int[0];
    /** queue -> the sorted pids of its listeners and of {@code '*'}'s; {@code '*'} -> its own. */
    private volatile Map<String, int[]> view = Map.of();
    /** queue -> {folded notifications, deadline nanos}, oldest deadline first. */
    private final LinkedHashMap<String, long[]> deferred = new LinkedHashMap<>();
    private long nextRefresh;

    /** True if this listener (backend {@code self}) wakes at once on a notification of {@code queue} from {@code sender}. */
    boolean first(String queue, int sender, Integer self) {
        if (self == null) {
            return true;
        }
        int[] all = listeners(queue);
        if (all.length <= 1 || Arrays.binarySearch(all, self) < 0) {
            return true;
        }
        return all[Math.floorMod(sender, all.length)] == self;
    }

    /** How many listeners the view has for {@code queue} (with those of {@code '*'}). */
    int viewed(String queue) {
        return listeners(queue).length;
    }

    private int[] listeners(String queue) {
        Map<String, int[]> v = view;
        int[] all = v.get(queue);
        return all != null ? all : v.getOrDefault("*", NONE);
    }

    /** Defers one notification of {@code queue}; notifications already deferred for it absorb it. */
    void defer(String queue, long now) {
        long[] d = deferred.get(queue);
        if (d == null) {
            deferred.put(queue, new long[] {1, now + DELAY_NANOS});
        } else {
            d[0]++;
        }
    }

    /** How long the listener may block for notifications: at most {@code maxMillis}, less when a deferred wake is due sooner. */
    int timeoutMillis(int maxMillis, long now) {
        if (deferred.isEmpty()) {
            return maxMillis;
        }
        long left = deferred.values().iterator().next()[1] - now;
        return (int) Math.max(1, Math.min(maxMillis, (left + 999_999) / 1_000_000));
    }

    /** Hands every due deferred wake to {@code wake} (queue, folded notifications). */
    void fireDue(long now, BiConsumer<String, Integer> wake) {
        for (Iterator<Map.Entry<String, long[]>> it = deferred.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, long[]> e = it.next();
            if (e.getValue()[1] - now > 0) {
                return;
            }
            it.remove();
            wake.accept(e.getKey(), (int) e.getValue()[0]);
        }
    }

    /**
     * Reads the view when it is due, on the LISTEN connection itself: {@code readThenListen} repeats
     * LISTEN after the read (a no-op that keeps LISTEN the last statement pg_stat_activity shows).
     */
    void refreshIfDue(Connection c, String readThenListen, long now) throws SQLException {
        if (now - nextRefresh < 0) {
            return;
        }
        nextRefresh = now + REFRESH_NANOS;
        Map<String, int[]> next = new HashMap<>();
        try (Statement st = c.createStatement()) {
            boolean rows = st.execute(readThenListen);
            while (!rows && st.getUpdateCount() != -1) {
                rows = st.getMoreResults();
            }
            if (rows) {
                try (ResultSet rs = st.getResultSet()) {
                    while (rs.next()) {
                        Array a = rs.getArray(2);
                        Object[] pids = (Object[]) a.getArray();
                        int[] sorted = new int[pids.length];
                        for (int i = 0; i < pids.length; i++) {
                            sorted[i] = ((Number) pids[i]).intValue();
                        }
                        Arrays.sort(sorted);
                        next.put(rs.getString(1), sorted);
                    }
                }
            }
        }
        view = withAny(next);
    }

    /** {@code byQueue} (sorted pids per queue) with the listeners of {@code '*'} added to every other queue's. */
    static Map<String, int[]> withAny(Map<String, int[]> byQueue) {
        Map<String, int[]> out = new HashMap<>(byQueue);
        int[] any = out.get("*");
        if (any != null) {
            out.replaceAll((q, pids) -> "*".equals(q) ? pids
                    : IntStream.concat(Arrays.stream(pids), Arrays.stream(any)).distinct().sorted().toArray());
        }
        return out;
    }

    /** Forgets the view (the listener lost its backend; the next one reads it again). */
    void reset() {
        view = Map.of();
        nextRefresh = 0;
    }
}
