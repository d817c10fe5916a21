package dev.pq.tasks.internal;

import dev.pq.internal.Engine;
import dev.pq.tasks.JobInfo;
import dev.pq.tasks.QueueSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Reads jobs and queue counts for the admin API (the dashboard's pages): one statement each. */
public final class JobReader {
    private JobReader() {
    }

    public static List<QueueSummary> queues(TasksDb db, Connection c) throws SQLException {
        Set<String> paused = new HashSet<>();
        Pauses.read(db, c).forEach(p -> paused.add(p.queue()));
        TreeMap<String, QueueSummary> out = new TreeMap<>();
        boolean all = paused.contains("*");
        try (PreparedStatement ps = c.prepareStatement(db.sql().queueCounts)) {
            ps.setLong(1, lockClass(db));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String q = rs.getString(1);
                    out.put(q, new QueueSummary(q, rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), all || paused.contains(q), Engine.instant(rs, 7)));
                }
            }
        }
        for (String q : paused) {
            if (!q.equals("*")) {
                out.putIfAbsent(q, new QueueSummary(q, 0, 0, 0, 0, 0, true, null));
            }
        }
        return List.copyOf(out.values());
    }

    public static List<JobInfo> pending(TasksDb db, Connection c, boolean scheduled, String queue, int limit,
                                        int offset) throws SQLException {
        if (limit < 0 || offset < 0) {
            throw new IllegalArgumentException("limit and offset must be >= 0: " + limit + ", " + offset);
        }
        try (PreparedStatement ps = c.prepareStatement(scheduled ? db.sql().scheduledJobs : db.sql().readyJobs)) {
            ps.setLong(1, lockClass(db));
            ps.setString(2, queue);
            ps.setString(3, queue);
            ps.setInt(4, limit);
            ps.setInt(5, offset);
            List<JobInfo> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        }
    }

    public static Optional<JobInfo> byId(TasksDb db, Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.sql().jobById)) {
            ps.setLong(1, lockClass(db));
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static long lockClass(TasksDb db) {
        return Integer.toUnsignedLong(db.engine().sql().lockClass);
    }

    private static JobInfo row(ResultSet rs) throws SQLException {
        Instant enqueued = Engine.instant(rs, 10);
        Instant scheduleAt = Engine.instant(rs, 11);
        Instant failed = Engine.instant(rs, 12);
        Instant finished = Engine.instant(rs, 13);
        Instant cancelled = Engine.instant(rs, 14);
        Instant runAt = scheduleAt != null ? scheduleAt : enqueued;
        JobInfo.State state;
        Instant ended = null;
        if (finished != null) {
            state = JobInfo.State.FINISHED;
            ended = finished;
        } else if (cancelled != null) {
            state = JobInfo.State.CANCELLED;
            ended = cancelled;
        } else if (failed != null) {
            state = JobInfo.State.FAILED;
            ended = failed;
        } else {
            state = rs.getBoolean(16) ? JobInfo.State.READY : JobInfo.State.SCHEDULED;
        }
        int bytes = rs.getInt(6);
        int binaryLength = rs.wasNull() ? -1 : bytes;
        return new JobInfo(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), state,
                ended == null && rs.getBoolean(15), rs.getString(5), binaryLength, rs.getInt(7), rs.getString(8),
                rs.getString(9), enqueued, runAt, ended, rs.getString(17), rs.getString(18));
    }
}
