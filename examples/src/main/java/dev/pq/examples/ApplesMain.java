package dev.pq.examples;

import dev.pq.PQ;
import dev.pq.tasks.Enqueue;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * pq's apples, with the tasks layer: an interface of {@code @Task} methods, a client that
 * enqueues, and a worker that eats. One variety fails once and is retried.
 *
 * <pre>mvn -q -pl examples -am package -DskipTests exec:java -Dexec.mainClass=dev.pq.examples.ApplesMain</pre>
 */
public final class ApplesMain {
    /** The tasks, shared by the code that enqueues and the worker that runs them. */
    public interface Orchard {
        @Task(queue = "apples", maxRetries = 2, retryIn = "1s")
        void eat(String kind);

        @Task(queue = "apples", expectedAt = "1m")
        long pick(String kind, int count);
    }

    private ApplesMain() {
    }

    public static void main(String[] args) throws Exception {
        try (ExampleDatabase db = ExampleDatabase.open(); PQ pq = PQ.connect(db.url())) {
            pq.migrate();
            Tasks tasks = Tasks.create(pq);
            Orchard orchard = tasks.client(Orchard.class);
            orchard.eat("Cox");
            orchard.eat("Arthur Turner");
            orchard.eat("Golden Delicious");
            long id = orchard.pick("Braeburn", 12);
            tasks.client(Orchard.class, Enqueue.options().scheduleAt("2s")).eat("Granny Smith (after 2 s)");
            System.out.println("enqueued 5 jobs; pick is job " + id);

            ConcurrentMap<String, AtomicInteger> tries = new ConcurrentHashMap<>();
            AtomicInteger eaten = new AtomicInteger();
            tasks.register(Orchard.class, new Orchard() {
                @Override
                public void eat(String kind) {
                    if (tries.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet() == 1
                            && kind.startsWith("Arthur")) {
                        throw new IllegalStateException("bruised " + kind + ": retry");
                    }
                    System.out.println("umm, " + kind + " apples taste good.");
                    eaten.incrementAndGet();
                }

                @Override
                public long pick(String kind, int count) {
                    System.out.println("picked " + count + " " + kind);
                    return 0;
                }
            });
            try (Worker worker = Worker.builder(tasks).queues("apples").workerCount(2).build().start()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (eaten.get() < 4 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            }
            System.out.println("eaten: " + eaten.get() + " (Arthur Turner after one retry); counters: "
                    + tasks.admin().counters());
            if (eaten.get() != 4) {
                System.exit(1);
            }
        }
    }
}
