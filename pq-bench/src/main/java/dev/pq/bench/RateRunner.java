package dev.pq.bench;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a throughput scenario: {@code threads} threads each repeat a {@link Loop} step until the
 * time is up (or the queue runs dry), and the rate is what they did over the time it took.
 */
final class RateRunner {
    private RateRunner() {
    }

    /** One thread's work: one step is one operation (a transaction, a batch, a dequeue). */
    interface Loop extends AutoCloseable {
        /** Does one operation; returns the units it did, or -1 if there was nothing left to do. */
        long step() throws Exception;

        @Override
        default void close() throws SQLException {
        }
    }

    /** Makes the loop of one thread (connections, prepared statements: set up outside the timing). */
    interface LoopFactory {
        Loop create(int thread) throws Exception;
    }

    static Scenario.Run run(int threads, Duration length, LoopFactory factory) throws Exception {
        List<Loop> loops = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                loops.add(factory.create(t));
            }
            long[] units = new long[threads];
            long[] lastAt = new long[threads];
            boolean[] dry = new boolean[threads];
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch go = new CountDownLatch(1);
            long[] start = new long[1];
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int i = t;
                Thread w = new Thread(() -> {
                    try {
                        go.await();
                        long deadline = start[0] + length.toNanos();
                        Loop loop = loops.get(i);
                        long last = start[0];
                        long n = 0;
                        while (System.nanoTime() < deadline && failure.get() == null) {
                            long done = loop.step();
                            if (done < 0) {
                                dry[i] = true;
                                break;
                            }
                            n += done;
                            last = System.nanoTime();
                        }
                        units[i] = n;
                        lastAt[i] = last;
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "bench-" + t);
                workers.add(w);
                w.start();
            }
            start[0] = System.nanoTime();
            go.countDown();
            for (Thread w : workers) {
                w.join();
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a benchmark thread failed: " + failure.get(), failure.get());
            }
            long total = 0;
            long end = start[0];
            int dryThreads = 0;
            for (int t = 0; t < threads; t++) {
                total += units[t];
                end = Math.max(end, lastAt[t]);
                dryThreads += dry[t] ? 1 : 0;
            }
            double seconds = (end - start[0]) / 1e9;
            double rate = seconds > 0 ? total / seconds : 0;
            return new Scenario.Run(rate, total, seconds, dryThreads > 0 ? Map.of("ranDry", true) : Map.of());
        } finally {
            for (Loop l : loops) {
                l.close();
            }
        }
    }
}
