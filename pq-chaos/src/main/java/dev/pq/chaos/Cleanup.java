package dev.pq.chaos;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What must not outlive this JVM (clusters, worker processes, held connections), closed in
 * reverse order by one shutdown hook on every exit path: a normal end, an exception, Ctrl-C,
 * SIGTERM. Owners close their resources themselves as usual and then {@link #forget} them.
 * (After a SIGKILL of this JVM, the children notice their parent is gone and exit, and the next
 * run stops clusters left behind: {@link ProcessTools#reapStale(String)}.)
 */
final class Cleanup {
    private static final Logger log = LoggerFactory.getLogger(Cleanup.class);
    private static final Deque<AutoCloseable> open = new ArrayDeque<>();
    private static boolean hooked;

    private Cleanup() {
    }

    /** Closes {@code resource} at JVM exit unless forgotten before. */
    static synchronized void register(AutoCloseable resource) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::closeAll, "pq-chaos-cleanup"));
            hooked = true;
        }
        open.push(resource);
    }

    /** The owner closed {@code resource} itself. */
    static synchronized void forget(AutoCloseable resource) {
        open.remove(resource);
    }

    private static void closeAll() {
        while (true) {
            AutoCloseable c;
            synchronized (Cleanup.class) {
                c = open.poll();
            }
            if (c == null) {
                return;
            }
            try {
                c.close();
            } catch (Exception e) {
                log.warn("cleanup at exit: {}", e.toString());
            }
        }
    }
}
