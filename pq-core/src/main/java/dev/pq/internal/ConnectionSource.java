package dev.pq.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * Where pq gets connections: a {@link DataSource} (normally a pool), or one shared
 * {@link Connection} (pq's {@code conn=}) that threads take turns on.
 */
public interface ConnectionSource {

    /** A connection in auto-commit mode; closing it returns it. */
    Connection acquire() throws SQLException;

    /** True when every acquire returns the same physical connection. */
    boolean shared();

    /**
     * A connection kept for a long time by one service (the listener, a worker's locker). By
     * default one from {@link #acquire()}; a source over a pool it owns opens it outside the pool,
     * so a long-lived holder never starves the pool.
     */
    default Connection dedicated() throws SQLException {
        return acquire();
    }

    /** Pooled connections from a pool PQ owns; long-lived ones are opened from {@code url} instead. */
    static ConnectionSource of(DataSource pool, String url) {
        return new ConnectionSource() {
            @Override
            public Connection acquire() throws SQLException {
                return pool.getConnection();
            }

            @Override
            public boolean shared() {
                return false;
            }

            @Override
            public Connection dedicated() throws SQLException {
                return java.sql.DriverManager.getConnection(url);
            }
        };
    }

    /** Pooled or per-call connections from a data source. */
    static ConnectionSource of(DataSource ds) {
        return new ConnectionSource() {
            @Override
            public Connection acquire() throws SQLException {
                return ds.getConnection();
            }

            @Override
            public boolean shared() {
                return false;
            }
        };
    }

    /**
     * One connection shared by all threads: acquire waits for the others to close their handle.
     * The handle's {@code close()} releases the turn instead of closing the connection.
     */
    static ConnectionSource of(Connection connection) {
        ReentrantLock lock = new ReentrantLock(true);
        return new ConnectionSource() {
            @Override
            public Connection acquire() throws SQLException {
                try {
                    lock.lockInterruptibly();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while waiting for the shared connection", e);
                }
                boolean[] released = {false};
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            switch (method.getName()) {
                                case "close":
                                    if (!released[0]) {
                                        released[0] = true;
                                        if (!connection.getAutoCommit()) {
                                            connection.rollback();
                                            connection.setAutoCommit(true);
                                        }
                                        lock.unlock();
                                    }
                                    return null;
                                case "isClosed":
                                    return released[0] || connection.isClosed();
                                case "unwrap":
                                    if (((Class<?>) args[0]).isInstance(connection)) {
                                        return connection;
                                    }
                                    return connection.unwrap((Class<?>) args[0]);
                                default:
                                    if (released[0]) {
                                        throw new SQLException("this handle of the shared connection was closed");
                                    }
                                    try {
                                        return method.invoke(connection, args);
                                    } catch (InvocationTargetException e) {
                                        throw e.getCause();
                                    }
                            }
                        });
            }

            @Override
            public boolean shared() {
                return true;
            }
        };
    }
}
