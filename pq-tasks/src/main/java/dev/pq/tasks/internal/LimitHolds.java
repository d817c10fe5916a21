package dev.pq.tasks.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the locker session holds for limits: the taken jobs of limited queues (counted for
 * {@code maxRunning}) and the concurrency slot each holds. A slot is released as soon as its job's
 * handler returns (or with its job's lock, whichever comes first), in a statement that also
 * notifies the job's queue (another process may be waiting for that slot). Empty, and never consulted by the release path, in a worker without limits.
 */
final class LimitHolds {
    private static final Logger log = LoggerFactory.getLogger(LimitHolds.class);

    private final LimitsDb db;
    private final Map<Long, String> queueOf = new ConcurrentHashMap<>();
    private final Map<Long, Integer> slotOf = new ConcurrentHashMap<>();
    /** Slots whose lock the current connection holds (locker thread only). */
    private final Set<Integer> slotsHeld = new HashSet<>();
    private final AtomicBoolean released = new AtomicBoolean();
    /** The rate grant of each buffered job of a rate-limited queue, until it starts. */
    private final Map<Long, Map.Entry<String, LimitsDb.Grant>> grantOf = new ConcurrentHashMap<>();
    private final dev.pq.internal.Engine engine;
    /** Jobs whose handlers returned (worker threads add, the locker thread takes): their slots go first. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> ended = new java.util.concurrent.ConcurrentLinkedQueue<>();

    LimitHolds(TasksDb db) {
        this.db = new LimitsDb(db);
        this.engine = db.engine();
    }

    /** Job {@code id} was locked with a grant of rate {@code name}. */
    void granted(long id, String name, LimitsDb.Grant grant) {
        grantOf.put(id, Map.entry(name, grant));
    }

    /**
     * Job {@code id} starts now (on its worker thread): its grant's slot takes this moment as its
     * time. If that cannot be written, the grant's own time stays (the hand-off is then the tolerance).
     */
    void started(long id) {
        Map.Entry<String, LimitsDb.Grant> g = grantOf.remove(id);
        if (g == null) {
            return;
        }
        try (Connection c = engine.acquire()) {
            db.stamp(c, g.getKey(), g.getValue());
        } catch (SQLException | RuntimeException e) {
            log.warn("job {}: its start could not be recorded on rate {} ({}): the rate counts it at its grant, "
                    + "a moment earlier", id, g.getKey(), e.toString());
        }
    }

    LimitsDb db() {
        return db;
    }

    /**
     * Job {@code id}'s handler returned or threw (on its worker thread): it no longer runs, so its
     * slot is released now, before its completion commits (the job's lock stays until then). True if
     * it held a slot (the locker is then to be woken).
     */
    boolean ended(long id) {
        if (!slotOf.containsKey(id)) {
            return false;
        }
        ended.add(id);
        return true;
    }

    boolean hasEnded() {
        return !ended.isEmpty();
    }

    /** Releases the slots of jobs whose handlers ended (locker thread), telling their queues. */
    void releaseEnded(Connection c) throws SQLException {
        if (ended.isEmpty()) {
            return;
        }
        List<Integer> slots = new ArrayList<>();
        Set<String> queues = new LinkedHashSet<>();
        for (Long id; (id = ended.poll()) != null; ) {
            Integer s = slotOf.remove(id);
            if (s != null && slotsHeld.remove(s)) {
                slots.add(s);
                String q = queueOf.get(id);
                if (q != null) {
                    queues.add(q);
                }
            }
        }
        if (!slots.isEmpty()) {
            released.set(true);
            db.unlock(c, List.of(), slots, queues);
        }
    }

    /** A job of a limited queue was locked, with {@code slot} (or null). */
    void record(long id, String queue, Integer slot) {
        queueOf.put(id, queue);
        if (slot != null) {
            slotOf.put(id, slot);
            slotsHeld.add(slot);
        }
    }

    /** Taken jobs of {@code queue} (buffered, running, awaiting release). */
    int count(String queue) {
        int n = 0;
        for (String q : queueOf.values()) {
            if (q.equals(queue)) {
                n++;
            }
        }
        return n;
    }

    Set<Long> jobs() {
        return queueOf.keySet();
    }

    List<Integer> heldSlots() {
        return new ArrayList<>(slotsHeld);
    }

    /** True once after limited jobs were released (the locker may lock again for their queues). */
    boolean takeReleased() {
        return released.getAndSet(false);
    }

    /**
     * Releases {@code mine} (the ids of {@code ids} whose job locks this connection holds) with the
     * slots they hold, if any of {@code ids} is limited; false (nothing done) otherwise.
     */
    boolean unlock(Connection c, Collection<Long> ids, List<Long> mine, Set<String> notify) throws SQLException {
        if (queueOf.isEmpty()) {
            return false;
        }
        List<Integer> slots = new ArrayList<>();
        Set<String> queues = new LinkedHashSet<>();
        boolean any = false;
        for (Long id : ids) {
            String q = queueOf.get(id);
            if (q == null) {
                continue;
            }
            any = true;
            Integer s = slotOf.get(id);
            if (s != null && slotsHeld.contains(s)) {
                slots.add(s);
                queues.add(q);
            }
        }
        if (!any) {
            return false;
        }
        released.set(true);
        if (slots.isEmpty()) {
            return false; // maxRunning only: the plain release serves
        }
        if (notify != null) {
            queues.addAll(notify);
        }
        try {
            db.unlock(c, mine, slots, queues);
        } finally {
            slots.forEach(slotsHeld::remove);
        }
        return true;
    }

    void forget(Collection<Long> ids) {
        if (queueOf.isEmpty() && grantOf.isEmpty()) {
            return; // a worker without limits: nothing to look up
        }
        for (Long id : ids) {
            queueOf.remove(id);
            grantOf.remove(id);
            Integer s = slotOf.remove(id);
            if (s != null) {
                slotsHeld.remove(s);
            }
        }
    }

    void connectionClosed() {
        slotsHeld.clear();
    }

    /** After a reconnect: takes again the slots of the jobs still running here. */
    void relock(Connection c, Collection<Long> running) throws SQLException {
        List<Integer> want = new ArrayList<>();
        for (Long id : running) {
            Integer s = slotOf.get(id);
            if (s != null) {
                want.add(s);
            }
        }
        if (want.isEmpty()) {
            return;
        }
        Set<Integer> got = db.relockSlots(c, want);
        slotsHeld.addAll(got);
        if (got.size() < want.size()) {
            log.warn("locker reconnected: {} of {} concurrency slots of jobs still running here were taken by other "
                    + "workers meanwhile: until these jobs end, their limits may be exceeded by as many", want.size()
                    - got.size(), want.size());
        }
    }
}
