package dev.pq.internal;

/**
 * The one start/stop contract of pq's runtime parts (the listener, a worker's locker, completer,
 * job threads, watchdog and heartbeat): {@link #start()} once, then {@link #close()}, which is
 * safe to call more than once and on a service that never started. A facade starts its services
 * in order and closes them in reverse.
 */
public interface Service extends AutoCloseable {
    /** Starts the service; a failure to start (a bad database, say) is thrown, not logged. */
    void start();

    /** Stops the service and releases what it holds; idempotent. */
    @Override
    void close();
}
