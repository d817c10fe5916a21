package dev.pq;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A child JVM of {@link KeepHistoryProcessTest}: takes jobs with kept transactional gets, records
 * each in {@code done} and updates its data in the same transaction, until the queue is empty.
 * Arguments: JDBC URL, schema, label.
 */
public final class KeptGetChild {
    private KeptGetChild() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String schema = args[1];
        String label = args[2];
        try (PQ pq = PQ.builder().url(url).schema(schema).poolSize(3).keepHistory(true).build()) {
            run(pq.queue("test"), schema, label);
        }
    }

    /** The loop, shared with the parent's own threads. */
    static int run(Queue<Object> q, String schema, String label) throws Exception {
        int n = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            try (Transaction<Object> tx = q.transaction()) {
                Optional<Job<Object>> job = tx.get(Duration.ofMillis(300));
                if (job.isEmpty()) {
                    if (q.size() == 0 && pending(tx, schema) == 0) {
                        return n;
                    }
                    continue;
                }
                try (PreparedStatement ps = tx.connection().prepareStatement(
                        "INSERT INTO " + schema + ".done (job_id, label) VALUES (?, ?)")) {
                    ps.setLong(1, job.get().id());
                    ps.setString(2, label);
                    ps.executeUpdate();
                }
                tx.update(job.get(), List.of("done", label));
                tx.commit();
                n++;
            }
        }
        throw new IllegalStateException(label + ": the queue did not empty within 180 s");
    }

    /** Jobs not yet dequeued by a committed get (held by an open transaction, or free). */
    private static long pending(Transaction<Object> tx, String schema) throws Exception {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT count(*) FROM " + schema + ".queue WHERE dequeued_at IS NULL");
             var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
