package dev.pq;

import dev.pq.internal.Engine;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A {@link Queue}'s iteration: each job taken as by {@code get()}; {@code hasNext()} blocks until
 * a job is ready, and the iteration ends when the PQ is closed, the thread is interrupted, or
 * (with an {@code idle} time) no job has been ready for that long.
 */
final class QueueIterator<T> implements Iterator<Job<T>> {
    private final Queue<T> queue;
    private final Engine engine;
    private final Duration idle;
    private Job<T> next;
    private boolean done;

    /** @param idle end after this long without a ready job; null: never (until closed or interrupted) */
    QueueIterator(Queue<T> queue, Engine engine, Duration idle) {
        this.queue = queue;
        this.engine = engine;
        this.idle = idle;
    }

    @Override
    public boolean hasNext() {
        while (next == null && !done) {
            if (engine.isClosed() || Thread.currentThread().isInterrupted()) {
                done = true;
                break;
            }
            Optional<Job<T>> j;
            try {
                j = queue.get(idle == null ? engine.defaultTimeout() : idle);
            } catch (PQClosedException e) {
                done = true; // closed while waiting: the iteration ends, as documented
                break;
            }
            if (j.isPresent()) {
                next = j.get();
            } else if (idle != null) {
                done = true;
            }
        }
        return next != null;
    }

    @Override
    public Job<T> next() {
        if (!hasNext()) {
            throw new NoSuchElementException("queue \"" + queue.name() + "\" iteration has ended");
        }
        Job<T> j = next;
        next = null;
        return j;
    }
}
