package dev.pq.bench;

import dev.pq.Job;
import dev.pq.PQ;
import dev.pq.Queue;
import dev.pq.Transaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * pq's hot paths through its public API, each on a PQ of its own (so a listener started by one
 * scenario does not run during the next), with the default JSON serializer.
 */
final class PqScenarios {
    static final String QUEUE = "bench";
    static final Map<String, Object> PAYLOAD = Map.of("user_id", 12345, "action", "send_email");

    private PqScenarios() {
    }

    static List<Scenario> all() {
        return List.of(put(1), put(4), put(16), putAll(1), putAll(4), txGet(1), txGet(4), txGet(16), get(1));
    }

    /**
     * The kept-history gets (issue 11): the get loops on a queue handle with
     * {@code keepHistory(true)}, whose rows are marked dequeued instead of deleted. Run when asked
     * for ({@code bench.only=pq.keptget,pq.txkeptget}), beside {@code pq.get.t1} and {@code pq.txget}.
     */
    static List<Scenario> kept() {
        return List.of(get(1, true), txGet(1, true), txGet(4, true));
    }

    /** A scenario on a PQ whose pool has a connection per thread plus two (listener, spare). */
    abstract static class PqScenario extends RateScenario {
        Queue<Object> queue;
        private final boolean keep;
        private PQ pq;

        PqScenario(String id, String title, String unit, int threads) {
            this(id, title, unit, threads, false);
        }

        PqScenario(String id, String title, String unit, int threads, boolean keep) {
            super(id, title, unit, threads);
            this.keep = keep;
        }

        @Override
        public void setUp(BenchDb db) {
            pq = db.pq(threads() + 2);
            queue = pq.queue(QUEUE).keepHistory(keep);
        }

        @Override
        public void tearDown() {
            if (pq != null) {
                pq.close();
            }
        }
    }

    /** {@code queue.put(data)}: one job per transaction. */
    static Scenario put(int threads) {
        return new PqScenario("pq.put.t" + threads, "pq put", "jobs/s", threads) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) {
                return () -> {
                    queue.put(PAYLOAD);
                    return 1;
                };
            }
        };
    }

    /** {@code queue.putAll(1,000 jobs)}: one statement per batch. */
    static Scenario putAll(int threads) {
        List<Object> batch = new ArrayList<>(Collections.nCopies(RawScenarios.BATCH, PAYLOAD));
        return new PqScenario("pq.putAll1000.t" + threads, "pq putAll, batches of 1,000", "jobs/s", threads) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) {
                return () -> queue.putAll(batch).length;
            }
        };
    }

    /** {@code queue.transaction()}, {@code tx.get()}, {@code tx.commit()}: one job per transaction. */
    static Scenario txGet(int threads) {
        return txGet(threads, false);
    }

    /** {@link #txGet(int)}, keeping the rows as history with {@code keep}. */
    static Scenario txGet(int threads, boolean keep) {
        return new PqScenario((keep ? "pq.txkeptget.t" : "pq.txget.t") + threads,
                "pq transactional get + commit" + (keep ? ", rows kept" : ""), "jobs/s", threads, keep) {
            @Override
            void before(BenchDb db, BenchConfig config) throws Exception {
                db.refill(BenchDb.TABLE, QUEUE, config.prefill());
            }

            @Override
            RateRunner.Loop loop(BenchDb db, int thread) {
                return () -> {
                    try (Transaction<Object> tx = queue.transaction()) {
                        Optional<Job<Object>> job = tx.get();
                        if (job.isEmpty()) {
                            return -1;
                        }
                        tx.commit();
                        return 1;
                    }
                };
            }
        };
    }

    /** {@code queue.get()}: the row is deleted as the job is handed out (one auto-commit statement). */
    static Scenario get(int threads) {
        return get(threads, false);
    }

    /** {@link #get(int)}, or with {@code keep} the kept-history get (marks the row dequeued). */
    static Scenario get(int threads, boolean keep) {
        return new PqScenario((keep ? "pq.keptget.t" : "pq.get.t") + threads,
                keep ? "pq get (keeps the row, marked dequeued)" : "pq get (deletes as it hands out)", "jobs/s",
                threads, keep) {
            @Override
            void before(BenchDb db, BenchConfig config) throws Exception {
                db.refill(BenchDb.TABLE, QUEUE, config.prefill());
            }

            @Override
            RateRunner.Loop loop(BenchDb db, int thread) {
                return () -> queue.get().isPresent() ? 1 : -1;
            }
        };
    }
}
