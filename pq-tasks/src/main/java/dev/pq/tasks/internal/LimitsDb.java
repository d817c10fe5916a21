package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The JDBC side of limits: runs {@link LimitsSql} statements. */
public final class LimitsDb {
    private final Engine engine;
    private final LimitsSql sql;

    public LimitsDb(TasksDb db) {
        this.engine = db.engine();
        this.sql = new LimitsSql(engine.sql());
    }

    /** Per queue of a limited lock, in queue-list order (parallel arrays of the statement). */
    public record QueueParams(String name, String task, int slots, String limitName, boolean perGroup,
                              boolean limited, int budget1, int budget2) {
    }

    /** One candidate the walk reached: its id, the step's code (see {@link LimitsSql}), and its slot for code 3. */
    public record Step(long id, int code, int slot) {
    }

    /** The walk's steps, and how many candidates there were. */
    public record Walk(List<Step> steps, int candidates) {
    }

    public Walk lockLimited(Connection c, List<QueueParams> queues, int maxPriority, Collection<Long> held,
                            int candidates, int[] budgets, Collection<Integer> heldSlots, int startNow, int want)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.lockLimited)) {
            int n = queues.size();
            Object[] names = new Object[n], tasks = new Object[n], slots = new Object[n], lnames = new Object[n];
            Object[] groups = new Object[n], lims = new Object[n], b1 = new Object[n], b2 = new Object[n];
            for (int i = 0; i < n; i++) {
                QueueParams q = queues.get(i);
                names[i] = q.name();
                tasks[i] = q.task();
                slots[i] = q.slots();
                lnames[i] = q.limitName();
                groups[i] = q.perGroup();
                lims[i] = q.limited();
                b1[i] = q.budget1();
                b2[i] = q.budget2();
            }
            ps.setArray(1, c.createArrayOf("text", names));
            ps.setArray(2, c.createArrayOf("text", tasks));
            ps.setArray(3, c.createArrayOf("integer", slots));
            ps.setArray(4, c.createArrayOf("text", lnames));
            ps.setArray(5, c.createArrayOf("boolean", groups));
            ps.setArray(6, c.createArrayOf("boolean", lims));
            ps.setArray(7, c.createArrayOf("integer", b1));
            ps.setArray(8, c.createArrayOf("integer", b2));
            java.sql.Array heldArray = c.createArrayOf("bigint", held.toArray());
            ps.setInt(9, maxPriority);
            ps.setArray(10, heldArray);
            ps.setInt(11, candidates);
            ps.setInt(12, maxPriority);
            ps.setArray(13, heldArray);
            ps.setInt(14, candidates);
            ps.setInt(15, candidates);
            Object[] budget = new Object[budgets.length];
            Object[] zeros = new Object[budgets.length];
            for (int i = 0; i < budgets.length; i++) {
                budget[i] = budgets[i];
                zeros[i] = 0;
            }
            ps.setArray(16, c.createArrayOf("integer", budget));
            ps.setArray(17, c.createArrayOf("integer", zeros));
            ps.setArray(18, c.createArrayOf("integer", heldSlots.toArray()));
            ps.setInt(19, startNow);
            ps.setInt(20, engine.sql().lockClass);
            ps.setInt(21, sql.slotClass);
            ps.setInt(22, engine.sql().lockClass);
            ps.setInt(23, want);
            List<Step> steps = new ArrayList<>();
            int seen = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seen = rs.getInt(4);
                    long id = rs.getLong(1);
                    if (!rs.wasNull()) {
                        steps.add(new Step(id, rs.getInt(2), rs.getInt(3)));
                    }
                }
            }
            return new Walk(steps, seen);
        }
    }

    /** Unlocks jobs and their slots, and notifies {@code queues}. */
    public void unlock(Connection c, Collection<Long> ids, Collection<Integer> slots, Collection<String> queues)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.unlockLimited)) {
            ps.setInt(1, engine.sql().lockClass);
            ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            ps.setInt(3, sql.slotClass);
            ps.setArray(4, c.createArrayOf("integer", slots.toArray()));
            ps.setString(5, engine.sql().channel);
            ps.setArray(6, c.createArrayOf("text", queues.toArray()));
            ps.executeQuery().close();
        }
    }

    /** Takes the slot locks again after a reconnect; returns those it got. */
    public Set<Integer> relockSlots(Connection c, Collection<Integer> slots) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.relockSlots)) {
            ps.setArray(1, c.createArrayOf("integer", slots.toArray()));
            ps.setInt(2, sql.slotClass);
            Set<Integer> got = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    got.add(rs.getInt(1));
                }
            }
            return got;
        }
    }

    /** Creates a rate's slot rows if missing. */
    public void ensureRate(Connection c, String name, int slots) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.rateEnsure)) {
            ps.setString(1, name);
            ps.setInt(2, slots);
            ps.executeUpdate();
        }
    }

    /** A granted start: the slot, its previous and its new time (as PostgreSQL prints them). */
    public record Grant(int slot, String previous, String granted) {
    }

    /** Takes up to {@code want} of a rate's slots last used a period ago or more. */
    public List<Grant> grant(Connection c, String name, int slots, long periodMicros, int want) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.rateGrant)) {
            ps.setString(1, name);
            ps.setInt(2, slots);
            ps.setLong(3, periodMicros);
            ps.setInt(4, want);
            ps.setString(5, name);
            List<Grant> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Grant(rs.getInt(1), rs.getString(2), rs.getString(3)));
                }
            }
            return out;
        }
    }

    /** Gives unused grants back (their previous times). */
    public void giveBack(Connection c, String name, List<Grant> unused) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.rateReturn)) {
            ps.setArray(1, c.createArrayOf("integer", unused.stream().map(Grant::slot).toArray()));
            ps.setArray(2, c.createArrayOf("text", unused.stream().map(Grant::previous).toArray()));
            ps.setArray(3, c.createArrayOf("text", unused.stream().map(Grant::granted).toArray()));
            ps.setString(4, name);
            ps.executeUpdate();
        }
    }

    /** Moves a granted slot's time to now: the job starts. */
    public void stamp(Connection c, String name, Grant g) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.rateStamp)) {
            ps.setString(1, name);
            ps.setInt(2, g.slot());
            ps.setString(3, g.granted());
            ps.executeUpdate();
        }
    }

    /** Seconds until a rate's next slot is free (0 or less: now). */
    public double untilFree(Connection c, String name, int slots, long periodMicros) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.rateNext)) {
            ps.setLong(1, periodMicros);
            ps.setString(2, name);
            ps.setInt(3, slots);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                double d = rs.getDouble(1);
                return rs.wasNull() ? 0 : d;
            }
        }
    }
}
