package dev.pq.examples;

import dev.pq.PQ;
import dev.pq.tasks.Enqueue;
import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

/**
 * Que's example: a job class that charges a credit card and records the charge in the job's own
 * transaction, so the charge row and the job's completion commit together (exactly-once effect).
 * The job is enqueued in the same transaction that creates the card.
 *
 * <pre>mvn -q -pl examples -am package -DskipTests exec:java -Dexec.mainClass=dev.pq.examples.ChargeCreditCardMain</pre>
 */
public final class ChargeCreditCardMain {
    private ChargeCreditCardMain() {
    }

    /** The job's arguments. */
    public record Charge(long cardId, long cents) {
    }

    /** The job class: priority 10 (more important than the default 100), five retries. */
    @Task(priority = 10, queue = "billing", maxRetries = 5)
    public static final class ChargeCreditCard implements JobHandler<Charge> {
        @Override
        public void run(Charge args, JobContext job) throws Exception {
            Connection c = job.connection(); // the job's transaction
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO charges (card_id, cents, job_id) VALUES (?, ?, ?)")) {
                ps.setLong(1, args.cardId());
                ps.setLong(2, args.cents());
                ps.setLong(3, job.id());
                ps.executeUpdate();
            }
            System.out.println("charged card " + args.cardId() + " " + args.cents() + " cents (job " + job.id() + ")");
            // returning destroys the job in this same transaction
        }
    }

    public static void main(String[] args) throws Exception {
        try (ExampleDatabase db = ExampleDatabase.open(); PQ pq = PQ.connect(db.url())) {
            pq.migrate();
            try (Connection c = DriverManager.getConnection(db.url()); Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS charges, cards");
                st.execute("CREATE TABLE cards (id bigserial PRIMARY KEY, holder text NOT NULL)");
                st.execute("CREATE TABLE charges (card_id bigint REFERENCES cards, cents bigint, job_id bigint UNIQUE)");
            }
            Tasks tasks = Tasks.create(pq);
            try (Connection c = DriverManager.getConnection(db.url())) {
                c.setAutoCommit(false);
                for (String holder : new String[] {"Ada", "Grace", "Edsger"}) {
                    long card;
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO cards (holder) VALUES (?) RETURNING id")) {
                        ps.setString(1, holder);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            card = rs.getLong(1);
                        }
                    }
                    tasks.enqueue(ChargeCreditCard.class, new Charge(card, 1999), Enqueue.options().in(c));
                }
                c.commit(); // the cards and their jobs appear together
            }
            tasks.register(new ChargeCreditCard());
            try (Worker worker = Worker.builder(tasks).queues("billing").workerCount(2).build().start()) {
                worker.awaitDrained(Duration.ofSeconds(30));
            }
            try (Connection c = DriverManager.getConnection(db.url()); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM charges")) {
                rs.next();
                System.out.println("charges recorded: " + rs.getLong(1) + " (expected 3); jobs left: "
                        + pq.queue("billing").size());
                if (rs.getLong(1) != 3) {
                    System.exit(1);
                }
            }
        }
    }
}
