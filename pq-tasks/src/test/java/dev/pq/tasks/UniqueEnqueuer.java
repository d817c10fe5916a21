package dev.pq.tasks;

import dev.pq.PQ;
import java.sql.Connection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A child JVM for unique-key tests: {@code UniqueEnqueuer <jdbcUrl> <schema> <key> <threads> <count>}.
 * Each thread enqueues {@code count} jobs with the same unique key: two of every three on their own
 * connection, the third inside a transaction that rolls back. It prints {@code IDS id,id...}, the
 * ids of the committed enqueues, and exits 0.
 */
public final class UniqueEnqueuer {
    /** The task every enqueuer uses. */
    public interface Ping {
        @Task(name = "unique.ping", queue = "unique")
        Enqueued ping(int n);
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String schema = args[1];
        String key = args[2];
        int threads = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        try (PQ pq = PQ.builder().url(url).schema(schema).poolSize(threads + 2).build()) {
            Tasks tasks = Tasks.create(pq);
            Ping committed = tasks.client(Ping.class, Enqueue.options().uniqueKey(key));
            Thread[] ts = new Thread[threads];
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < threads; t++) {
                ts[t] = new Thread(() -> {
                    try {
                        for (int i = 0; i < count; i++) {
                            if (i % 3 == 2) {
                                try (Connection c = java.sql.DriverManager.getConnection(url)) {
                                    c.setSchema(schema);
                                    c.setAutoCommit(false);
                                    tasks.client(Ping.class, Enqueue.options().uniqueKey(key).in(c)).ping(i);
                                    c.rollback();
                                }
                            } else {
                                ids.add(committed.ping(i).id());
                            }
                        }
                    } catch (Throwable e) {
                        failure[0] = e;
                    }
                });
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            if (failure[0] != null) {
                failure[0].printStackTrace();
                System.exit(2);
            }
        }
        System.out.println("IDS " + String.join(",", new TreeSet<>(ids).stream().map(String::valueOf).toList()));
    }
}
