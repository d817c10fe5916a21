package dev.pq.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pq.PQException;
import dev.pq.tasks.internal.JobThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Job threads from a factory: virtual threads on Java 21+ (refused clearly before), or the
 * caller's. On Java 21+ the hot path (take from the buffer, JDBC on pool connections, sleeps,
 * completion) must never pin a virtual thread's carrier: JFR records every pinned park and every
 * {@code Object.wait} (which pins on Java 21 to 23), and none may come from pq's code.
 */
@Timeout(120)
class VirtualThreadsTest extends TasksTestBase {
    public record Nap(int n) {
    }

    /** A job that does JDBC on its own connection (a server-side sleep) and sleeps in Java. */
    @Task(queue = "naps")
    public static final class Napper implements JobHandler<Nap> {
        final Set<Integer> seen = ConcurrentHashMap.newKeySet();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final AtomicInteger platform = new AtomicInteger();

        @Override
        public void run(Nap args, JobContext job) throws Exception {
            Thread me = Thread.currentThread();
            if (!JobThreads.isVirtual(me)) {
                platform.incrementAndGet();
            }
            threads.add(me.getName());
            try (PreparedStatement ps = job.connection().prepareStatement("SELECT pg_sleep(0.005), ?::int");
                 ResultSet rs = prepare(ps, args.n()).executeQuery()) {
                rs.next();
            }
            Thread.sleep(10);
            seen.add(args.n());
        }

        private static PreparedStatement prepare(PreparedStatement ps, int n) throws SQLException {
            ps.setInt(1, n);
            return ps;
        }
    }

    /** A class whose initializer sleeps: a virtual thread loading it pins (still so on Java 24+), the control. */
    static final class SlowInit {
        static final long AT;

        static {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            AT = System.nanoTime();
        }
    }

    @Test
    void virtualThreads_runJobsDoingJdbcAndSleeps_withoutPinningACarrierInPqCode() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21+");
        Tasks tasks = Tasks.create(pq);
        Napper napper = new Napper();
        tasks.register(napper);
        int jobs = 300;
        List<Nap> naps = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            naps.add(new Nap(i));
        }
        tasks.enqueueAll(Napper.class, naps, Enqueue.options());
        // the JVM's first socket read on a virtual thread initializes its poller (a class initializer:
        // concurrent first readers pin, waiting for it); do that before recording, it is not pq's
        Thread warm = JobThreads.virtual().newThread(() -> assertEquals(1L, queryLong("SELECT 1")));
        warm.start();
        warm.join();
        Path file = Files.createTempFile("pq-vthreads", ".jfr");
        try (Recording rec = new Recording()) {
            rec.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            rec.enable("jdk.JavaMonitorWait").withThreshold(Duration.ZERO).withStackTrace();
            rec.start();
            Worker w = start(Worker.builder(tasks).queues("naps").virtualThreads(true).workerCount(200));
            assertTrue(w.awaitDrained(Duration.ofSeconds(60)), "drained");
            w.close();
            // controls: the recording must see a pinned park and a monitor wait of a virtual thread
            ThreadFactory vf = JobThreads.virtual();
            Thread pinner = vf.newThread(() -> assertTrue(SlowInit.AT != 0));
            Object monitor = new Object();
            Thread waiter = vf.newThread(() -> {
                synchronized (monitor) {
                    try {
                        monitor.wait(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            pinner.setName("control-pinner");
            waiter.setName("control-waiter");
            pinner.start();
            waiter.start();
            pinner.join();
            waiter.join();
            rec.stop();
            rec.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.deleteIfExists(file);
        assertEquals(jobs, napper.seen.size(), "every job ran");
        assertEquals(0, napper.platform.get(), "jobs ran on platform threads");
        assertTrue(napper.threads.stream().allMatch(n -> n.startsWith("pq-worker-")), napper.threads.toString());
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned")
                && thread(e).equals("control-pinner")), "the control pin was recorded: " + events.size() + " events");
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.JavaMonitorWait")
                && thread(e).equals("control-waiter")), "the control monitor wait was recorded");
        List<String> fromPq = new ArrayList<>();
        for (RecordedEvent e : events) {
            if (onVirtualThread(e) && (thread(e).startsWith("pq-") || fromPqCode(e))) {
                fromPq.add(e.toString());
            }
        }
        assertTrue(fromPq.isEmpty(), "pinning in pq's hot path:\n" + String.join("\n", fromPq));
    }

    private static String thread(RecordedEvent e) {
        return e.getThread() == null || e.getThread().getJavaName() == null ? "" : e.getThread().getJavaName();
    }

    /** Whether the event's thread is virtual ({@code RecordedThread.isVirtual()} is Java 21 API; this compiles for 17). */
    private static boolean onVirtualThread(RecordedEvent e) {
        if (e.getThread() == null) {
            return false;
        }
        try {
            return (Boolean) e.getThread().getClass().getMethod("isVirtual").invoke(e.getThread());
        } catch (ReflectiveOperationException ex) {
            throw new AssertionError(ex);
        }
    }

    private static boolean fromPqCode(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return false;
        }
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            String type = f.getMethod().getType().getName();
            if (type.startsWith("dev.pq.") && !type.startsWith(VirtualThreadsTest.class.getName())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void virtualThreads_isRefusedAtBuild_beforeJava21_sayingWhichJvmRuns() {
        int feature = Runtime.version().feature();
        assumeTrue(feature < 21, "this JVM has virtual threads");
        Worker.Builder b = Worker.builder(Tasks.create(pq)).virtualThreads(true);
        PQException e = assertThrows(PQException.class, b::build);
        assertTrue(e.getMessage().startsWith("virtualThreads needs Java 21 or newer; this JVM is " + feature + " ("),
                e.getMessage());
    }

    @Test
    void threadFactory_makesTheJobThreads_andRaisesTheWorkerCountLimit() throws Exception {
        Tasks tasks = Tasks.create(pq);
        Napper napper = new Napper();
        tasks.register(napper);
        tasks.enqueueAll(Napper.class, List.of(new Nap(1), new Nap(2), new Nap(3)), Enqueue.options());
        AtomicInteger made = new AtomicInteger();
        ThreadFactory mine = r -> {
            Thread t = new Thread(r, "mine-" + made.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        Worker w = start(Worker.builder(tasks).queues("naps").threadFactory(mine).workerCount(3));
        assertTrue(w.awaitDrained(Duration.ofSeconds(30)));
        assertEquals(3, made.get());
        assertEquals(Set.of(1, 2, 3), napper.seen);
        assertTrue(napper.threads.stream().allMatch(n -> n.startsWith("mine-")), napper.threads.toString());

        Worker.builder(tasks).threadFactory(mine).workerCount(10_000).build(); // not started: no thread made
        assertEquals(3, made.get());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> Worker.builder(tasks).threadFactory(mine).workerCount(10_001).build());
        assertEquals("workerCount must be between 1 and 10000 with virtualThreads or a threadFactory: 10001",
                big.getMessage());
        IllegalArgumentException platform = assertThrows(IllegalArgumentException.class,
                () -> Worker.builder(tasks).workerCount(1_001).build());
        assertEquals("workerCount must be between 1 and 1000: 1001", platform.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> Worker.builder(tasks).threadFactory(mine).virtualThreads(true).build());
        assertFalse(both.getMessage().isEmpty());
    }
}
