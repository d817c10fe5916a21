package dev.pq.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one LISTEN connection of a {@code PQ}. Started by the first getter that has to wait, it
 * listens on the table's channel (payload: queue name) and wakes that queue's {@link Signal}.
 * After a lost connection it reconnects with backoff and wakes every waiter, since notifications
 * sent in between are gone. With a shared connection it takes short turns on it.
 *
 * <p>Puts notify only queues somebody waits on ({@link Waiters}): a getter or locker calls
 * {@link #enter} (which registers the queue for this listener's backend, committed) before it
 * re-checks the queue and sleeps, and {@link #exit} when it stops waiting.
 */
public final class Listener implements Service {
    private static final Logger log = LoggerFactory.getLogger(Listener.class);

    private final ConnectionSource source;
    private final Sql sql;
    private final Map<String, Signal> signals = new ConcurrentHashMap<>();
    private final List<Consumer<String>> observers = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> controlObservers = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstListen = new CountDownLatch(1);
    private volatile boolean running;
    private volatile boolean listening;
    private Thread thread;
    private volatile Connection dedicated;
    private final Waiters waiters;
    private long nextHousekeeping; // listener thread only
    /** Who wakes first on a notification, and the others' deferred wakes (dedicated connection only). */
    private final Stagger stagger = new Stagger();
    /** The dedicated LISTEN backend's pid; null while not listening or over a shared connection. */
    private volatile Integer self;

    public Listener(ConnectionSource source, Sql sql) {
        this.source = source;
        this.sql = sql;
        this.waiters = new Waiters(source, sql);
    }

    /**
     * A getter of {@code queue} is about to wait: counts it on the queue's {@link Signal} and
     * {@link #register}s the queue. Call after {@link #ensureStarted()}, before its first look.
     */
    public Signal enter(String queue) {
        Signal s = signal(queue);
        s.enter();
        register(queue);
        return s;
    }

    /** The getter of {@link #enter} stops waiting. */
    public void exit(String queue) {
        signal(queue).exit();
        unregister(queue);
    }

    /**
     * Somebody here is about to wait on {@code queue} ({@code "*"}: on every queue): registers it
     * in the waiters registry so puts notify it, committed on return (with a shared connection, or
     * while LISTEN is not in place, the listener registers it at its next turn, or when LISTEN is
     * back and it wakes every waiter). Call before the waiter re-checks the queue.
     */
    public void register(String queue) {
        waiters.enter(queue);
    }

    /** The waiter of {@link #register} stops waiting; the registration lingers a moment. */
    public void unregister(String queue) {
        waiters.exit(queue);
    }

    /** The signal of a queue. */
    public Signal signal(String queue) {
        return signals.computeIfAbsent(queue, q -> new Signal());
    }

    /**
     * Adds a callback for every notification of the table (its argument is the queue name, or
     * null after a reconnect, when any queue may have news). Called on the listener thread: keep
     * it short.
     */
    public void addObserver(Consumer<String> observer) {
        observers.add(observer);
    }

    /** Removes a callback added by {@link #addObserver}. */
    public void removeObserver(Consumer<String> observer) {
        observers.remove(observer);
    }

    /**
     * Adds a callback for every control message of the table's workers (its argument is the
     * message: {@code pause}, {@code resume}, {@code cancel <id>}; null after a reconnect, when
     * one may have been missed). Called on the listener thread: keep it short.
     */
    public void addControlObserver(Consumer<String> observer) {
        controlObservers.add(observer);
    }

    /** Removes a callback added by {@link #addControlObserver}. */
    public void removeControlObserver(Consumer<String> observer) {
        controlObservers.remove(observer);
    }

    /** For tests: how many live listeners of {@code queue} this listener's wake order knows ({@link Stagger}). */
    public int viewed(String queue) {
        return stagger.viewed(queue);
    }

    /** True once LISTEN is in place (and not lost since). */
    public boolean listening() {
        return listening;
    }

    /** {@link #ensureStarted()} for a service that starts it (a worker's locker). */
    @Override
    public void start() {
        try {
            ensureStarted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.pq.PQException("interrupted while starting the listener of " + sql.display, e);
        }
    }

    /**
     * Starts the listener thread if needed and waits (briefly) until LISTEN is in place, so a
     * getter that queries after this call cannot miss a notification for a commit after it.
     */
    public void ensureStarted() throws InterruptedException {
        synchronized (this) {
            if (thread == null) {
                running = true;
                thread = new Thread(this::run, "pq-listener-" + sql.table);
                thread.setDaemon(true);
                thread.start();
            }
        }
        if (!firstListen.await(5, TimeUnit.SECONDS)) {
            log.warn("table={} LISTEN is not in place after 5 s: getters fall back to polling", sql.display);
        }
    }

    private void run() {
        RetryDelay delay = new RetryDelay(50, 1_000); // back within a second of the database
        while (running) {
            try {
                if (source.shared()) {
                    sharedTurn();
                } else {
                    dedicatedLoop();
                }
                delay.reset();
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    break;
                }
                listening = false;
                self = null;
                stagger.reset();
                waiters.disconnected();
                closeDedicated();
                log.atWarn().setMessage("table={} listener connection lost, reconnecting in {} ms: {}")
                        .addArgument(sql.display).addArgument(delay.peek()).addArgument(e.toString())
                        .addKeyValue("event", "listener.lost").addKeyValue("table", sql.display)
                        .addKeyValue("retryInMs", delay.peek()).addKeyValue("error", e.toString())
                        .log();
                wakeAll();
                if (!delay.sleep()) {
                    break;
                }
            }
        }
        if (listening && source.shared()) {
            try (Connection c = source.acquire(); Statement st = c.createStatement()) {
                waiters.close(c);
                st.execute("UNLISTEN *");
            } catch (SQLException e) {
                log.debug("table={} UNLISTEN on the shared connection: {}", sql.display, e.toString());
            }
        }
        listening = false;
        closeDedicated();
        firstListen.countDown();
    }

    private void dedicatedLoop() throws SQLException {
        Connection c = source.dedicated();
        dedicated = c;
        c.setAutoCommit(true);
        // Registered before LISTEN (so LISTEN stays the statement pg_stat_activity shows): a put in
        // between is not heard, but committed before the re-check of every waiter below.
        int pid = backendPid(c);
        waiters.connected(c, pid);
        try (Statement st = c.createStatement()) {
            st.execute(sql.listen);
        }
        self = pid;
        NotifyProbe.skip(c); // this connection only listens: no 1 ms wait after each notification
        boolean reconnect = firstListen.getCount() == 0;
        listening = true;
        firstListen.countDown();
        if (reconnect) {
            log.atInfo().setMessage("table={} listener reconnected").addArgument(sql.display)
                    .addKeyValue("event", "listener.reconnected").addKeyValue("table", sql.display)
                    .log();
            wakeAll();
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
            dispatch(pg.getNotifications(stagger.timeoutMillis(250, System.nanoTime())));
            stagger.fireDue(System.nanoTime(), this::deliver);
            housekeep(null);
            refreshView(c);
        }
    }

    private void housekeep(Connection c) {
        long now = System.nanoTime();
        if (now - nextHousekeeping < 0) {
            return;
        }
        nextHousekeeping = now + 250_000_000L;
        try {
            waiters.housekeep(c);
        } catch (SQLException e) {
            log.debug("table={} updating the waiters registry: {}", sql.display, e.toString());
        }
    }

    private void refreshView(Connection c) {
        try {
            stagger.refreshIfDue(c, sql.waiterView, System.nanoTime());
        } catch (SQLException e) { // a lost connection: the next getNotifications says so
            log.debug("table={} reading the waiters registry: {}", sql.display, e.toString());
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void sharedTurn() throws SQLException {
        try (Connection c = source.acquire()) {
            if (!listening) {
                try (Statement st = c.createStatement()) {
                    st.execute(sql.listen);
                }
                waiters.connected(c, backendPid(c));
                listening = true;
                firstListen.countDown();
            }
            dispatch(c.unwrap(PGConnection.class).getNotifications(10));
            housekeep(c);
        }
        Thread.yield();
    }

    private void dispatch(PGNotification[] notes) {
        if (notes == null) {
            return;
        }
        for (PGNotification n : notes) {
            if (sql.control.equals(n.getName())) {
                for (Consumer<String> o : controlObservers) {
                    o.accept(n.getParameter());
                }
                continue;
            }
            if (stagger.first(n.getParameter(), n.getPID(), self)) {
                deliver(n.getParameter(), 1);
            } else {
                stagger.defer(n.getParameter(), System.nanoTime());
            }
        }
    }

    /** Wakes {@code notifications} waiters of {@code queue} and tells the observers once. */
    private void deliver(String queue, int notifications) {
        Signal s = signals.get(queue);
        if (s != null) {
            for (int i = 0; i < notifications; i++) {
                s.wakeOne();
            }
        }
        for (Consumer<String> o : observers) {
            o.accept(queue);
        }
    }

    private void wakeAll() {
        signals.values().forEach(Signal::wakeAll);
        for (Consumer<String> o : observers) {
            o.accept(null);
        }
        for (Consumer<String> o : controlObservers) {
            o.accept(null);
        }
    }

    private void closeDedicated() {
        Connection c = dedicated;
        dedicated = null;
        if (c != null) {
            try (c) {
                if (!running) {
                    waiters.close(c);
                }
                try (Statement st = c.createStatement()) {
                    st.execute("UNLISTEN *"); // a pooled connection must not keep collecting notifications
                }
                NotifyProbe.restore(c);
            } catch (SQLException e) {
                log.debug("table={} closing listener connection: {}", sql.display, e.toString());
            }
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        wakeAll();
    }
}
