package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import dev.pq.internal.When;
import dev.pq.tasks.DuplicateJobException;
import dev.pq.tasks.Enqueued;
import dev.pq.tasks.Unique;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes enqueued jobs: a plain job with today's one statement, a job with a unique key or group
 * with {@link EnqueueSql#enqueueKeyed} or {@link EnqueueSql#enqueuePeriod} (and, for a duplicate, a
 * read of the holder and perhaps a replace), many jobs with {@link EnqueueSql#enqueueBulk}.
 */
public final class Enqueuer {
    /** How often an enqueue tries again when the key's holder finished between its insert and its read. */
    private static final int ATTEMPTS = 20;

    /**
     * One job to write.
     *
     * @param uniqueKey   the unique key, or null
     * @param scope       how long it holds the key (null without one)
     * @param period      the period of {@link Unique.Scope#PERIOD}, else null
     * @param onDuplicate what a duplicate does (null without a key)
     */
    public record Row(String queue, int priority, String task, String json, When schedule, When expected, String group,
                      String uniqueKey, Unique.Scope scope, Duration period, Unique.OnDuplicate onDuplicate) {
        public Row {
            Objects.requireNonNull(queue, "queue");
            if (uniqueKey != null) {
                Objects.requireNonNull(scope, "scope");
                Objects.requireNonNull(onDuplicate, "onDuplicate");
            }
        }

        boolean plain() {
            return uniqueKey == null && group == null;
        }
    }

    private final TasksDb db;
    private final EnqueueSql sql;
    private final Engine engine;

    public Enqueuer(TasksDb db) {
        this.db = db;
        this.sql = new EnqueueSql(db.engine().sql());
        this.engine = db.engine();
    }

    /** Writes one job on {@code c} (in its transaction, if any). */
    public Enqueued one(Connection c, Row r) throws SQLException {
        if (r.plain()) {
            return Enqueued.created(db.enqueue(c, r.queue(), r.priority(), r.task(), r.json(), r.schedule(), r.expected()));
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Long id = r.scope() == Unique.Scope.PERIOD ? insertPeriod(c, r) : insertKeyed(c, r);
            if (id != null) {
                return Enqueued.created(id);
            }
            Long holder = holder(c, r);
            if (holder != null) {
                return duplicate(c, r, holder);
            }
            // the holder finished between the insert and the read: the key is free, try again
        }
        throw new dev.pq.PQException("unique key \"" + r.uniqueKey() + "\": its holder kept changing over " + ATTEMPTS
                + " attempts to enqueue; try again");
    }

    private Enqueued duplicate(Connection c, Row r, long holder) throws SQLException {
        return switch (r.onDuplicate()) {
            case RETURN_EXISTING -> new Enqueued(holder, true, false);
            case RAISE -> throw new DuplicateJobException(r.uniqueKey(), holder);
            case REPLACE -> new Enqueued(holder, true, replace(c, r, holder));
        };
    }

    private Long insertKeyed(Connection c, Row r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.enqueueKeyed)) {
            int i = bindJob(ps, 1, r);
            ps.setString(i++, r.uniqueKey());
            if (r.uniqueKey() == null) {
                ps.setNull(i++, java.sql.Types.SMALLINT);
            } else {
                ps.setInt(i++, UniqueSpec.code(r.scope()));
            }
            ps.setString(i++, engine.sql().channel);
            ps.setString(i, r.queue());
            return firstId(ps);
        }
    }

    private Long insertPeriod(Connection c, Row r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.enqueuePeriod)) {
            ps.setString(1, engine.sql().qualified);
            ps.setString(2, r.uniqueKey());
            ps.setLong(3, r.period().toMillis());
            int i = bindJob(ps, 4, r);
            ps.setString(i++, r.uniqueKey());
            ps.setString(i++, engine.sql().channel);
            ps.setString(i, r.queue());
            return firstId(ps);
        }
    }

    /** Binds queue, priority, task, data, schedule (2), expected (2), group; returns the next index. */
    private static int bindJob(PreparedStatement ps, int i, Row r) throws SQLException {
        ps.setString(i++, r.queue());
        ps.setInt(i++, r.priority());
        ps.setString(i++, r.task());
        ps.setString(i++, r.json());
        Engine.bindWhen(ps, i, r.schedule());
        Engine.bindWhen(ps, i + 2, r.expected());
        ps.setString(i + 4, r.group());
        return i + 5;
    }

    private static Long firstId(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    private Long holder(Connection c, Row r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(r.scope() == Unique.Scope.PERIOD ? sql.periodHolder : sql.uniqueHolder)) {
            ps.setString(1, r.uniqueKey());
            return firstId(ps);
        }
    }

    private boolean replace(Connection c, Row r, long holder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.replace)) {
            ps.setString(1, r.json());
            ps.setInt(2, r.priority());
            Engine.bindWhen(ps, 3, r.schedule());
            Engine.bindWhen(ps, 5, r.expected());
            ps.setString(7, r.group());
            ps.setLong(8, holder);
            ps.setInt(9, engine.sql().lockClass);
            ps.setString(10, engine.sql().channel);
            return firstId(ps) != null;
        }
    }

    /**
     * Writes many jobs in one statement on {@code c}; the result is in their order. Keys while
     * waiting (or running) are checked against existing jobs and within the batch (the first of a
     * key is added, the others are its duplicates); a period key or replace mode is refused. With a
     * {@code RAISE} duplicate nothing of the batch is kept.
     */
    public List<Enqueued> many(Connection c, List<Row> rows) throws SQLException {
        boolean raise = false;
        for (Row r : rows) {
            if (r.uniqueKey() != null && (r.scope() == Unique.Scope.PERIOD || r.onDuplicate() == Unique.OnDuplicate.REPLACE)) {
                throw new IllegalArgumentException("bulk enqueue takes unique keys held while waiting or running, not "
                        + (r.scope() == Unique.Scope.PERIOD ? "for a period" : "in replace mode") + " (key \""
                        + r.uniqueKey() + "\"): enqueue that job on its own");
            }
            raise |= r.uniqueKey() != null && r.onDuplicate() == Unique.OnDuplicate.RAISE;
        }
        Savepoint sp = raise && !c.getAutoCommit() ? c.setSavepoint() : null;
        boolean own = raise && c.getAutoCommit();
        if (own) {
            c.setAutoCommit(false);
        }
        try {
            List<Enqueued> out = insertMany(c, rows);
            if (own) {
                c.commit();
            } else if (sp != null) {
                c.releaseSavepoint(sp);
            }
            return out;
        } catch (SQLException | RuntimeException e) {
            if (own) {
                c.rollback();
            } else if (sp != null) {
                c.rollback(sp);
            }
            throw e;
        } finally {
            if (own) {
                c.setAutoCommit(true);
            }
        }
    }

    private List<Enqueued> insertMany(Connection c, List<Row> rows) throws SQLException {
        if (alike(rows)) {
            return insertAlike(c, rows);
        }
        int n = rows.size();
        Object[] q = new Object[n], p = new Object[n], t = new Object[n], d = new Object[n], sa = new Object[n],
                si = new Object[n], ea = new Object[n], ei = new Object[n], g = new Object[n], k = new Object[n],
                s = new Object[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            q[i] = r.queue();
            p[i] = (short) r.priority();
            t[i] = r.task();
            d[i] = r.json();
            sa[i] = r.schedule().at() == null ? null : r.schedule().at().toString();
            si[i] = r.schedule().inMicros();
            ea[i] = r.expected().at() == null ? null : r.expected().at().toString();
            ei[i] = r.expected().inMicros();
            g[i] = r.group();
            k[i] = r.uniqueKey();
            s[i] = r.uniqueKey() == null ? null : (short) UniqueSpec.code(r.scope());
        }
        boolean anyKey = false;
        for (Object key : k) {
            anyKey |= key != null;
        }
        List<Long> plainIds = new ArrayList<>(n);
        Map<String, Long> keyed = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(anyKey ? sql.enqueueBulk : sql.enqueueBulkPlain)) {
            ps.setArray(1, c.createArrayOf("text", q));
            ps.setArray(2, c.createArrayOf("int2", p));
            ps.setArray(3, c.createArrayOf("text", t));
            ps.setArray(4, c.createArrayOf("text", d));
            ps.setArray(5, c.createArrayOf("text", sa));
            ps.setArray(6, c.createArrayOf("int8", si));
            ps.setArray(7, c.createArrayOf("text", ea));
            ps.setArray(8, c.createArrayOf("int8", ei));
            ps.setArray(9, c.createArrayOf("text", g));
            ps.setArray(10, c.createArrayOf("text", k));
            ps.setArray(11, c.createArrayOf("int2", s));
            ps.setString(12, engine.sql().channel);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                java.sql.Array idArray = rs.getArray(1);
                Long[] ids = idArray == null ? new Long[0] : (Long[]) idArray.getArray();
                java.sql.Array keyArray = rs.getArray(2);
                String[] keys = keyArray == null ? new String[ids.length] : (String[]) keyArray.getArray();
                for (int i = 0; i < ids.length; i++) { // by id, which follows the rows' order
                    if (keys[i] == null) {
                        plainIds.add(ids[i]);
                    } else {
                        keyed.put(keys[i], ids[i]);
                    }
                }
            }
        }
        Set<String> missing = new HashSet<>(); // keys held by jobs from before this batch
        for (Row r : rows) {
            if (r.uniqueKey() != null && !keyed.containsKey(r.uniqueKey())) {
                missing.add(r.uniqueKey());
            }
        }
        Map<String, Long> holders = missing.isEmpty() ? Map.of() : holders(c, missing);
        List<Enqueued> out = new ArrayList<>(n);
        int plain = 0;
        Set<String> claimed = new HashSet<>();
        for (Row r : rows) {
            if (r.uniqueKey() == null) {
                out.add(Enqueued.created(plainIds.get(plain++)));
            } else if (keyed.containsKey(r.uniqueKey()) && claimed.add(r.uniqueKey())) {
                out.add(Enqueued.created(keyed.get(r.uniqueKey())));
            } else {
                Long holder = keyed.containsKey(r.uniqueKey()) ? keyed.get(r.uniqueKey()) : holders.get(r.uniqueKey());
                out.add(holder != null ? duplicate(c, r, holder) : one(c, r)); // holder gone meanwhile: on its own
            }
        }
        return out;
    }

    /** True if the rows differ only in their arguments (one task, queue, priority and times; no key, no group). */
    private static boolean alike(List<Row> rows) {
        Row first = rows.get(0);
        for (Row r : rows) {
            if (r.uniqueKey() != null || r.group() != null || !r.queue().equals(first.queue())
                    || r.priority() != first.priority() || !Objects.equals(r.task(), first.task())
                    || !r.schedule().equals(first.schedule()) || !r.expected().equals(first.expected())) {
                return false;
            }
        }
        return true;
    }

    private List<Enqueued> insertAlike(Connection c, List<Row> rows) throws SQLException {
        Row first = rows.get(0);
        Object[] d = new Object[rows.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = rows.get(i).json();
        }
        try (PreparedStatement ps = c.prepareStatement(sql.enqueueBulkSame)) {
            Engine.bindWhen(ps, 1, first.schedule());
            Engine.bindWhen(ps, 3, first.expected());
            ps.setString(5, first.queue());
            ps.setInt(6, first.priority());
            ps.setString(7, first.task());
            ps.setArray(8, c.createArrayOf("text", d));
            ps.setString(9, engine.sql().channel);
            ps.setString(10, first.queue());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Long[] ids = (Long[]) rs.getArray(1).getArray();
                List<Enqueued> out = new ArrayList<>(ids.length);
                for (Long id : ids) {
                    out.add(Enqueued.created(id));
                }
                return out;
            }
        }
    }

    private Map<String, Long> holders(Connection c, Set<String> keys) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.uniqueHolders)) {
            ps.setArray(1, c.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** Releases the key of a job unique while waiting, as its run starts; the job at its new version, or null if it changed. */
    public LockedJob start(LockedJob job) throws SQLException {
        try (Connection c = engine.acquire(); PreparedStatement ps = c.prepareStatement(sql.startUnique)) {
            ps.setLong(1, job.id());
            ps.setLong(2, job.version());
            Long v = firstId(ps);
            return v == null ? null : job.started(v);
        }
    }
}
