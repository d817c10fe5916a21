package dev.pq.internal;

import dev.pq.PQClosedException;
import dev.pq.PQException;
import dev.pq.QueueInfo;
import dev.pq.SchemaMissingException;
import dev.pq.spi.Serializer.Format;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The database side of pq-core: runs the statements of {@link Sql} on connections of a
 * {@link ConnectionSource} and translates {@link SQLException}s. Payloads are bytes here;
 * serialization happens in the typed {@code Queue}.
 */
public final class Engine implements AutoCloseable {
    private final ConnectionSource source;
    private final Sql sql;
    private final Listener listener;
    private final Duration defaultTimeout;
    private final Duration pollInterval;
    private final AutoCloseable owned;
    private final String name;
    private volatile boolean closed;

    /** One dequeued row (or none) and what the dequeue saw. */
    public record Dequeued(long id, Instant enqueuedAt, Instant scheduleAt, Instant expectedAt, String json,
                           byte[] bytes, int seen, boolean picked, Double nextIn, int priority, String task,
                           int errorCount, String lastErrorMessage, String lastErrorBacktrace) {
        /** True if a job was taken. */
        public boolean found() {
            return enqueuedAt != null;
        }

        /** The stored payload bytes. */
        public byte[] payload() {
            return json != null ? json.getBytes(StandardCharsets.UTF_8) : bytes == null ? new byte[0] : bytes;
        }
    }

    public Engine(ConnectionSource source, Sql sql, Duration defaultTimeout, Duration pollInterval,
                  AutoCloseable owned, String name) {
        this.source = source;
        this.sql = sql;
        this.defaultTimeout = defaultTimeout;
        this.pollInterval = pollInterval;
        this.owned = owned;
        this.name = name;
        this.listener = new Listener(source, sql);
    }

    public Sql sql() {
        return sql;
    }

    public Listener listener() {
        return listener;
    }

    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    public boolean isClosed() {
        return closed;
    }

    public void checkOpen() {
        if (closed) {
            throw new PQClosedException(name);
        }
    }

    /** A long-lived connection for one service (a worker's locker); see {@link ConnectionSource#dedicated()}. */
    public Connection dedicated() {
        checkOpen();
        try {
            return source.dedicated();
        } catch (SQLException e) {
            throw translate(e, "opening a connection");
        }
    }

    /** A connection in auto-commit mode. */
    public Connection acquire() {
        checkOpen();
        try {
            return source.acquire();
        } catch (SQLException e) {
            throw translate(e, "getting a connection");
        }
    }

    public long put(Connection c, String queue, Format format, byte[] payload, When schedule, When expected)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.put)) {
            ps.setString(1, queue);
            bindPayload(ps, 2, format, payload);
            bindWhen(ps, 4, schedule);
            bindWhen(ps, 6, expected);
            ps.setString(8, queue);
            ps.setString(9, sql.channel);
            ps.setString(10, queue);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public long[] putAll(Connection c, String queue, Format format, List<byte[]> payloads, When schedule,
                         When expected) throws SQLException {
        Array array;
        if (format == Format.JSON) {
            String[] texts = new String[payloads.size()];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = new String(payloads.get(i), StandardCharsets.UTF_8);
            }
            array = c.createArrayOf("text", texts);
        } else {
            array = c.createArrayOf("bytea", payloads.toArray(new byte[0][]));
        }
        try (PreparedStatement ps = c.prepareStatement(format == Format.JSON ? sql.putAllJson : sql.putAllBinary)) {
            bindWhen(ps, 1, schedule);
            bindWhen(ps, 3, expected);
            ps.setString(5, queue);
            ps.setArray(6, array);
            ps.setString(7, queue);
            ps.setString(8, sql.channel);
            ps.setString(9, queue);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Array ids = rs.getArray(1);
                if (ids == null) {
                    return new long[0];
                }
                Long[] boxed = (Long[]) ids.getArray();
                long[] out = new long[boxed.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = boxed[i];
                }
                return out;
            }
        } finally {
            array.free();
        }
    }

    /** Locks, removes and returns the first ready job of a queue, in the connection's transaction. */
    public Dequeued dequeue(Connection c, String queue, int candidates) throws SQLException {
        return dequeue(c, queue, candidates, false);
    }

    /**
     * Locks and returns the first ready job of a queue, in the connection's transaction: deleting
     * its row, or with {@code keep} marking it dequeued and finished (the same one statement).
     */
    public Dequeued dequeue(Connection c, String queue, int candidates, boolean keep) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.dequeue(candidates, keep))) {
            ps.setString(1, queue);
            ps.setString(2, queue);
            ps.setInt(3, sql.lockClass);
            ps.setString(4, queue);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                double next = rs.getDouble(9);
                Double nextIn = rs.wasNull() ? null : next;
                return new Dequeued(rs.getLong(1), instant(rs, 2), instant(rs, 3), instant(rs, 4), rs.getString(5),
                        rs.getBytes(6), rs.getInt(7), rs.getObject(8) != null, nextIn, rs.getInt(10),
                        rs.getString(11), rs.getInt(12), rs.getString(13), rs.getString(14));
            }
        }
    }

    /** Puts a dequeued row back exactly as it was (same id and values). */
    public void restore(Connection c, String queue, Dequeued row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.restore)) {
            ps.setLong(1, row.id());
            ps.setString(2, queue);
            ps.setObject(3, jdbc(row.enqueuedAt()));
            ps.setObject(4, jdbc(row.scheduleAt()), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setObject(5, jdbc(row.expectedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setString(6, row.json());
            ps.setBytes(7, row.json() == null ? row.bytes() : null);
            ps.setInt(8, row.priority());
            ps.setString(9, row.task());
            ps.setInt(10, row.errorCount());
            ps.setString(11, row.lastErrorMessage());
            ps.setString(12, row.lastErrorBacktrace());
            ps.executeUpdate();
        }
    }

    /**
     * Undoes a dequeue whose job cannot be handed out: puts a deleted row back, or with
     * {@code kept} marks a kept row pending again.
     */
    public void restore(Connection c, String queue, Dequeued row, boolean kept) throws SQLException {
        if (!kept) {
            restore(c, queue, row);
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql.unkeep)) {
            ps.setLong(1, row.id());
            ps.setString(2, queue);
            ps.executeUpdate();
        }
    }

    /**
     * Replaces the payload of a kept job's row; returns the stored payload's size in bytes (as a
     * get reads it), or -1 if there is no kept row of that id.
     */
    public int updateKept(Connection c, String queue, long id, Format format, byte[] payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.updateKept)) {
            bindPayload(ps, 1, format, payload);
            ps.setLong(3, id);
            ps.setString(4, queue);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        }
    }

    /** Sends the queue's notification (delivered when the connection's transaction commits). */
    public void notify(Connection c, String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.notify)) {
            ps.setString(1, sql.channel);
            ps.setString(2, queue);
            ps.executeQuery().close();
        }
    }

    public List<QueueInfo> queues() {
        try (Connection c = acquire(); PreparedStatement ps = c.prepareStatement(sql.queues);
             ResultSet rs = ps.executeQuery()) {
            List<QueueInfo> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new QueueInfo(rs.getString(1), rs.getLong(2), rs.getLong(3)));
            }
            return out;
        } catch (SQLException e) {
            throw translate(e, "listing queues");
        }
    }

    /** Runs a one-parameter statement on the queue name (or id and queue) and returns a count. */
    public long count(String statement, String queue) {
        try (Connection c = acquire(); PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setString(1, queue);
            if (ps.execute()) { // a count query; else a DELETE's row count
                try (ResultSet rs = ps.getResultSet()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
            return ps.getUpdateCount();
        } catch (SQLException e) {
            throw translate(e, "queue \"" + queue + "\"");
        }
    }

    public boolean delete(String queue, long id) {
        try (Connection c = acquire(); PreparedStatement ps = c.prepareStatement(sql.delete)) {
            ps.setLong(1, id);
            ps.setString(2, queue);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw translate(e, "deleting job " + id + " of queue \"" + queue + "\"");
        }
    }

    /**
     * Translates a driver exception; a missing table, column or function (the notify function of
     * schema version 7) becomes {@link SchemaMissingException}.
     */
    public PQException translate(SQLException e, String what) {
        String state = e.getSQLState();
        if ("42P01".equals(state) || "42703".equals(state) || "42883".equals(state)) {
            return new SchemaMissingException(sql.display, e);
        }
        if (closed) {
            return new PQClosedException(name);
        }
        return new PQException(what + " failed on table " + sql.display + ": " + e.getMessage(), e);
    }

    private static void bindPayload(PreparedStatement ps, int i, Format format, byte[] payload) throws SQLException {
        if (format == Format.JSON) {
            ps.setString(i, new String(payload, StandardCharsets.UTF_8));
            ps.setNull(i + 1, Types.BINARY);
        } else {
            ps.setNull(i, Types.VARCHAR);
            ps.setBytes(i + 1, payload);
        }
    }

    /** Binds a {@link When} as two parameters: the absolute time and the offset in microseconds. */
    public static void bindWhen(PreparedStatement ps, int i, When w) throws SQLException {
        ps.setObject(i, w.atForJdbc(), Types.TIMESTAMP_WITH_TIMEZONE);
        Long micros = w.inMicros();
        if (micros == null) {
            ps.setNull(i + 1, Types.BIGINT);
        } else {
            ps.setLong(i + 1, micros);
        }
    }

    /** Reads a {@code timestamptz} column as an instant (null stays null). */
    public static Instant instant(ResultSet rs, int i) throws SQLException {
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** An instant as the JDBC driver binds a {@code timestamptz} (null stays null). */
    public static OffsetDateTime jdbc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        listener.close();
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new PQException("closing the connection pool of " + name + " failed", e);
            }
        }
    }
}
