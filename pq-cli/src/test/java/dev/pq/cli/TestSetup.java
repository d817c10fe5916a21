package dev.pq.cli;

import dev.pq.tasks.spi.TasksConfigurer;
import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The tasks of the CLI tests, given to {@code pq work --setup dev.pq.cli.TestSetup}. */
public final class TestSetup implements TasksConfigurer {
    /** Kinds eaten by {@link Orchard#eat}, in this JVM. */
    static final Queue<String> EATEN = new ConcurrentLinkedQueue<>();
    /** Counted down by {@link Blocker} when it starts; it then waits for {@link #release}. */
    static volatile CountDownLatch started = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(0);

    public interface Orchard {
        @Task(queue = "apples")
        void eat(String kind);

        @Task(queue = "pears")
        void pear(String kind);
    }

    /** Always fails, and is not retried: its jobs become failed jobs at once. */
    @Task(name = "Boom", queue = "boom", maxRetries = 0)
    public static final class Boom implements JobHandler<String> {
        @Override
        public void run(String args, JobContext job) {
            throw new IllegalStateException("boom: " + args + " " + "x".repeat(200));
        }
    }

    /** Signals that it started, then waits for the test (at most 30 s). */
    @Task(name = "Blocker", queue = "block")
    public static final class Blocker implements JobHandler<String> {
        @Override
        public void run(String args, JobContext job) throws InterruptedException {
            started.countDown();
            release.await(30, TimeUnit.SECONDS);
        }
    }

    /** Sleeps for the given milliseconds (the signal test's running job). */
    @Task(name = "Sleep", queue = "sleep")
    public static final class Sleep implements JobHandler<Long> {
        @Override
        public void run(Long millis, JobContext job) throws InterruptedException {
            System.err.println("sleep job " + job.id() + " started"); // the signal test waits for this line
            System.err.flush();
            Thread.sleep(millis);
        }
    }

    static void reset() {
        EATEN.clear();
        started = new CountDownLatch(1);
        release = new CountDownLatch(0);
    }

    /** Registers the tasks on {@code tasks}: the test's enqueue side and the CLI's worker side alike. */
    static Tasks register(Tasks tasks) {
        tasks.register(Orchard.class, new Orchard() {
            @Override
            public void eat(String kind) {
                EATEN.add(kind);
            }

            @Override
            public void pear(String kind) {
                EATEN.add("pear:" + kind);
            }
        });
        tasks.register(new Boom());
        tasks.register(new Blocker());
        tasks.register(new Sleep());
        return tasks;
    }

    @Override
    public void configure(Tasks tasks) {
        register(tasks);
    }
}
