package dev.pq.bench;

import dev.pq.PQ;
import dev.pq.tasks.Enqueue;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * pq-tasks' enqueue through its public API: a task client's call (one job per transaction), the
 * same with a unique key per job (what a unique key costs when it is free: every enqueue adds a
 * job), and a bulk enqueue of 1,000 calls (against pq-core's {@code putAll} of 1,000).
 */
final class TaskScenarios {
    static final String QUEUE = "tasks";

    /** The task enqueued. */
    public interface Mail {
        @Task(name = "bench.mail", queue = QUEUE)
        void send(long user, String template);
    }

    private TaskScenarios() {
    }

    static List<Scenario> all() {
        return List.of(enqueue(1, false), enqueue(4, false), enqueue(1, true), enqueue(4, true), bulk(1), bulk(4));
    }

    /** A scenario on a Tasks whose PQ has a connection per thread plus two. */
    abstract static class TasksScenario extends RateScenario {
        Tasks tasks;
        private PQ pq;

        TasksScenario(String id, String title, int threads) {
            super(id, title, "jobs/s", threads);
        }

        @Override
        public void setUp(BenchDb db) {
            pq = db.pq(threads() + 2);
            tasks = Tasks.create(pq);
            tasks.register(Mail.class, (user, template) -> { });
        }

        @Override
        public void tearDown() {
            if (pq != null) {
                pq.close();
            }
        }
    }

    private static final AtomicLong KEYS = new AtomicLong();

    /**
     * {@code tasks.enqueue("bench.mail", options, n, "welcome")}, with or without a (fresh) unique
     * key per job: the by-name path both ways, so the ratio is the key's cost alone.
     */
    static Scenario enqueue(int threads, boolean unique) {
        return new TasksScenario("tasks.enqueue" + (unique ? ".unique" : "") + ".t" + threads,
                "pq-tasks enqueue" + (unique ? " with a unique key" : ""), threads) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) {
                return () -> {
                    long n = KEYS.incrementAndGet();
                    tasks.enqueue("bench.mail", unique ? Enqueue.options().uniqueKey("mail:" + n) : Enqueue.options(), n,
                            "welcome");
                    return 1;
                };
            }
        };
    }

    /** {@code tasks.bulk()} of 1,000 client calls, written in one statement. */
    static Scenario bulk(int threads) {
        return new TasksScenario("tasks.bulk1000.t" + threads, "pq-tasks bulk enqueue, batches of 1,000", threads) {
            @Override
            RateRunner.Loop loop(BenchDb db, int thread) {
                return () -> {
                    var bulk = tasks.bulk();
                    Mail m = bulk.client(Mail.class);
                    for (int i = 0; i < RawScenarios.BATCH; i++) {
                        m.send(i, "welcome");
                    }
                    return bulk.enqueue().size();
                };
            }
        };
    }
}
