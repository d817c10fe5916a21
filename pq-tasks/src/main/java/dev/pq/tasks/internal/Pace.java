package dev.pq.tasks.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many jobs the locker locks beyond the idle threads: {@code maximumBufferSize} when the user
 * set it; by default ({@link WorkerConfig#ADAPTIVE_BUFFER}) the jobs this process's threads are
 * expected to finish within the next {@link #HORIZON_NANOS}, at most {@link WorkerConfig#ADAPTIVE_BUFFER_MAX}.
 * Two measurements bound that expectation, and the smaller wins:
 * <ul>
 *   <li>the threads' pace: {@code threads × horizon / average busy time per job} (handler plus
 *       completion on the thread, a moving average over the last few jobs), so jobs of 200 ms get
 *       nothing ahead even when a batch of them ends at once;</li>
 *   <li>twice the jobs that actually ended here within the last horizon, so a process that was
 *       idle, or whose threads all sit in long jobs, does not lock ahead on an old average. (Twice:
 *       with the ends alone, a slow lock statement would starve the threads, fewer would end, the
 *       next batch would shrink, and so on down.)</li>
 * </ul>
 * Sub-millisecond jobs get batches of up to 100 (one lock statement feeds the
 * threads for a while); long ones one at most beyond the idle threads, while the threads keep ending
 * jobs (a freed thread need not wait for a lock statement), so a second process takes the rest.
 * When the average grows far past what is buffered (short jobs gave way to long ones), the locker
 * gives the surplus back ({@link #surplus}).
 *
 * <p>Job threads report each job ({@link #ran}): a volatile write and one compare-and-set, no
 * allocation. Racing updates may lose a sample of the average, which changes nothing that matters.
 */
final class Pace {
    /** Jobs expected to start within this long are locked ahead: their wait in the buffer stays this short. */
    static final long HORIZON_NANOS = 10_000_000L;
    private static final int COUNT_BITS = 24;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private final int threads;
    private final int cap;
    /** The user's fixed size, or -1 (adaptive). */
    private final int fixed;
    private final long origin = System.nanoTime();
    /** Moving average of a job's busy time on its thread, in nanoseconds; 0 until a job has ended. */
    private volatile long averageNanos;
    /** The horizon-long window jobs last ended in (high bits) and how many ended in it (low bits). */
    private final AtomicLong window = new AtomicLong();
    /** When the last job ended here ({@link System#nanoTime()}). */
    private volatile long lastEnd;
    /** How many ended in the window before {@link #window}'s, if it was the one just before (else 0). */
    private volatile int endedBefore;

    /** @param maximumBufferSize the user's fixed size, or {@link WorkerConfig#ADAPTIVE_BUFFER} */
    Pace(int threads, int maximumBufferSize) {
        this(threads, maximumBufferSize, WorkerConfig.ADAPTIVE_BUFFER_MAX);
    }

    /** An adaptive pace with the cap {@code cap} (tests), or a fixed one. */
    Pace(int threads, int maximumBufferSize, int cap) {
        this.threads = threads;
        this.fixed = maximumBufferSize == WorkerConfig.ADAPTIVE_BUFFER ? -1 : maximumBufferSize;
        this.cap = fixed >= 0 ? fixed : cap;
    }

    /** A job kept its thread busy for {@code nanos}, ending now. */
    void ran(long nanos) {
        ran(nanos, System.nanoTime());
    }

    /** A job kept its thread busy for {@code nanos}, ending at {@code now} ({@link System#nanoTime()}). */
    void ran(long nanos, long now) {
        if (fixed >= 0) {
            return;
        }
        long n = Math.max(1, nanos);
        long avg = averageNanos;
        averageNanos = avg == 0 ? n : avg + (n - avg) / 8;
        lastEnd = now;
        long w = index(now);
        while (true) {
            long s = window.get();
            long at = s >>> COUNT_BITS;
            long next = at == w ? (s & COUNT_MASK) == COUNT_MASK ? s : s + 1 : w << COUNT_BITS | 1;
            if (window.compareAndSet(s, next)) {
                if (at != w) {
                    endedBefore = at == w - 1 ? (int) (s & COUNT_MASK) : 0;
                }
                return;
            }
        }
    }

    /** How many jobs to lock beyond the idle threads now. */
    int ahead() {
        return ahead(System.nanoTime());
    }

    /** How many jobs to lock beyond the idle threads at {@code now} ({@link System#nanoTime()}). */
    int ahead(long now) {
        if (fixed >= 0) {
            return fixed;
        }
        long w = index(now);
        long s = window.get();
        long at = s >>> COUNT_BITS;
        int count = (int) (s & COUNT_MASK);
        int recent = at == w ? Math.max(count, endedBefore) : at == w - 1 ? count : 0;
        long avg = averageNanos;
        int ahead = ahead(threads, avg, recent, cap);
        // Long jobs: one ahead while the threads keep ending jobs (one did within about twice the
        // interval between ends), so a freed thread does not wait for a lock statement.
        return ahead == 0 && avg > 0 && now - lastEnd <= 2 * (avg / threads) + 2 * HORIZON_NANOS ? 1 : ahead;
    }

    /**
     * The jobs to lock beyond the idle threads for {@code threads} threads busy {@code averageNanos}
     * per job (0: not known yet), of which {@code recentlyEnded} ended within the last horizon, at
     * most {@code cap}: the smaller of the threads' pace and twice the recent ends.
     */
    static int ahead(int threads, long averageNanos, int recentlyEnded, int cap) {
        if (averageNanos <= 0) {
            return 0;
        }
        long paced = threads * HORIZON_NANOS / averageNanos;
        return (int) Math.min(cap, Math.min(paced, 2L * recentlyEnded));
    }

    /**
     * How many of {@code buffered} jobs to give back: those beyond twice what the average says the
     * threads start within a horizon (plus the idle threads). Only the average counts here, not the
     * recent ends, so a pause in the ends (a collection, a slow commit) never sheds a buffer of short jobs.
     */
    int surplus(int buffered, int idle) {
        long avg = averageNanos;
        if (fixed >= 0 || buffered == 0 || avg <= 0) {
            return 0;
        }
        long keep = idle + 2 * Math.max(1, Math.min(cap, threads * HORIZON_NANOS / avg));
        return (int) Math.max(0, buffered - keep);
    }

    private long index(long now) {
        return Math.max(0, now - origin) / HORIZON_NANOS;
    }
}
