package dev.pq.examples;

import dev.pq.PQ;
import dev.pq.tasks.Enqueue;
import dev.pq.tasks.Enqueued;
import dev.pq.tasks.Limit;
import dev.pq.tasks.Pruned;
import dev.pq.tasks.Retention;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Unique;
import dev.pq.tasks.Worker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 11's job lifecycle in one program: unique jobs (one reminder per invoice, however often it
 * is asked for), a bulk enqueue in one statement, a concurrency limit (at most 2 charges at once,
 * whatever the thread count), a rate limit (at most 20 charges a second) and retention (a prune
 * of the history now).
 *
 * <pre>mvn -q -pl examples -am package -DskipTests exec:java -Dexec.mainClass=dev.pq.examples.BillingMain</pre>
 */
public final class BillingMain {
    /** The tasks. */
    public interface Billing {
        @Task(queue = "billing")
        @Unique(by = "invoiceId")
        Enqueued remind(long invoiceId, String channel);

        @Task(queue = "charges")
        void charge(long invoiceId, long cents);
    }

    private BillingMain() {
    }

    public static void main(String[] args) throws Exception {
        try (ExampleDatabase db = ExampleDatabase.open(); PQ pq = PQ.connect(db.url())) {
            pq.migrate();
            Tasks tasks = Tasks.create(pq);
            Billing billing = tasks.client(Billing.class);

            // Unique: asked for three times, enqueued once while it waits.
            Enqueued first = billing.remind(42, "email");
            Enqueued again = billing.remind(42, "sms");
            System.out.println("reminder for invoice 42: job " + first.id() + "; asked again: duplicate="
                    + again.duplicate() + " (job " + again.id() + ")");

            // Bulk: 100 charges in one statement, in the caller's transaction.
            try (Connection c = DriverManager.getConnection(db.url())) {
                c.setAutoCommit(false);
                var bulk = tasks.bulk();
                Billing inBulk = bulk.client(Billing.class);
                for (long invoice = 1; invoice <= 100; invoice++) {
                    inBulk.charge(invoice, 1999);
                }
                List<Enqueued> charges = bulk.enqueue(c);
                c.commit();
                System.out.println("enqueued " + charges.size() + " charges in one statement");
            }

            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            AtomicInteger reminded = new AtomicInteger();
            tasks.register(Billing.class, new Billing() {
                @Override
                public Enqueued remind(long invoiceId, String channel) {
                    reminded.incrementAndGet();
                    return null;
                }

                @Override
                public void charge(long invoiceId, long cents) {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(10); // the payment provider's API call
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        running.decrementAndGet();
                    }
                }
            });
            long t0 = System.nanoTime();
            try (Worker worker = Worker.builder(tasks).queues("billing", "charges").workerCount(8)
                    .limit(Limit.queue("charges").concurrency(2))                            // every process together
                    .limit(Limit.rate("provider", 20, Duration.ofSeconds(1)).queues("charges")) // the provider's quota
                    .build().start()) {
                if (!worker.awaitDrained(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the queues did not drain");
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("ran 1 reminder and 100 charges: at most %d charges at once (limit 2); under the rate of"
                    + " 20 a second they took %.1f s (20 at once, then 20 more each second)%n", most.get(), seconds);
            if (reminded.get() != 1 || most.get() > 2) {
                throw new IllegalStateException("limits not kept: reminders=" + reminded + " most=" + most);
            }

            // Retention: history older than a day is pruned by every worker on its own; prune now, keeping none.
            try (Connection c = DriverManager.getConnection(db.url()); Statement st = c.createStatement()) {
                st.execute("INSERT INTO queue (queue, task, data, finished_at) "
                        + "SELECT 'billing', 'Billing.remind', '[1, \"email\"]', now() - interval '2 days' FROM generate_series(1, 50)");
            }
            Pruned pruned = tasks.admin().prune(Retention.defaults());
            System.out.println("pruned " + pruned.finished() + " finished jobs older than a day");
        }
    }
}
