package dev.pq.tasks.internal;

import dev.pq.internal.Listener;
import dev.pq.internal.Service;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels running jobs when told ({@code Admin.cancel}): the cancel marks the job's row cancelled
 * and sends {@code cancel <id>} on the table's control channel; the worker running that job
 * interrupts its thread (the watchdog abandons it if it ignores that). Its completion cannot
 * commit whatever it does, since the row it started from has changed.
 */
public final class Cancels implements Service {
    private static final Logger log = LoggerFactory.getLogger(Cancels.class);
    /** The control message's prefix; the job id follows. */
    public static final String PREFIX = "cancel ";

    private final Listener listener;
    private final JobRunner runner;
    private final Consumer<String> observer;

    public Cancels(Listener listener, JobRunner runner) {
        this.listener = listener;
        this.runner = runner;
        this.observer = this::onMessage;
    }

    private void onMessage(String message) {
        if (message == null || !message.startsWith(PREFIX)) {
            return;
        }
        try {
            long id = Long.parseLong(message.substring(PREFIX.length()).strip());
            if (runner.cancel(id)) {
                log.info("job {} cancelled: interrupting its thread", id);
            }
        } catch (NumberFormatException e) {
            log.warn("ignoring a malformed control message: {}", message);
        }
    }

    @Override
    public void start() {
        listener.addControlObserver(observer);
    }

    @Override
    public void close() {
        listener.removeControlObserver(observer);
    }
}
