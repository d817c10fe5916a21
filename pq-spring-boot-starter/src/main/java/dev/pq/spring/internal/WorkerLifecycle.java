package dev.pq.spring.internal;

import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the worker once the context is refreshed (every task bean registered, the schedule
 * checked) and closes it when the context closes: running jobs get the worker's wait period, then
 * are interrupted. Its phase is below the web server's, so it starts before the server takes
 * requests and stops after the server has drained them; and like every lifecycle it stops before
 * any singleton, the DataSource among them, is destroyed.
 */
public final class WorkerLifecycle implements SmartLifecycle {
    /** Below Boot's web server (DEFAULT_PHASE - 2048) and its graceful shutdown (- 1024). */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
    private static final Logger log = LoggerFactory.getLogger(WorkerLifecycle.class);

    private final Worker worker;
    private final Tasks tasks;
    private final List<BeforeWorkerStart> beforeStart;
    private volatile boolean running;

    public WorkerLifecycle(Worker worker, Tasks tasks, List<BeforeWorkerStart> beforeStart) {
        this.worker = worker;
        this.tasks = tasks;
        this.beforeStart = beforeStart;
    }

    @Override
    public void start() {
        if (running) {
            return;
        }
        for (BeforeWorkerStart hook : beforeStart) {
            hook.run(tasks);
        }
        worker.start();
        running = true;
        log.info("pq worker started id={} tasks={}", worker.id(), tasks.taskNames());
    }

    @Override
    public void stop() {
        if (running) {
            running = false;
            worker.close();
            log.info("pq worker stopped id={} processed={} failed={}", worker.id(), worker.processed(), worker.failed());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
