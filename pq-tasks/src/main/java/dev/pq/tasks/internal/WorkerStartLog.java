package dev.pq.tasks.internal;

import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's one INFO line at start, with its effective configuration: the human message as
 * before, and every setting also as an SLF4J key-value pair named as its builder method is.
 */
public final class WorkerStartLog {
    private static final Logger log = LoggerFactory.getLogger("dev.pq.tasks.Worker");

    private WorkerStartLog() {
    }

    public static void started(String id, String table, QueueList queues, WorkerConfig cfg, Set<String> tasks) {
        if (!log.isInfoEnabled()) {
            return;
        }
        Object retention = cfg.retention().keepsEverything() ? "none" : cfg.retention();
        Limits limits = cfg.compiledLimits();
        log.atInfo()
                .setMessage("worker started: id={} table={} queues={} workerCount={} workerPriorities={} pollInterval={} "
                        + "waitPeriod={} maximumBufferSize={} jobTimeout={} unknownTaskRetries={} retention={} limits={} "
                        + "tasks={}")
                .addArgument(id).addArgument(table).addArgument(queues).addArgument(cfg.workerCount())
                .addArgument(cfg.workerPriorities()).addArgument(cfg.pollInterval()).addArgument(cfg.waitPeriod())
                .addArgument(cfg.bufferSetting()).addArgument(cfg.jobTimeout()).addArgument(cfg.unknownTaskRetries())
                .addArgument(retention).addArgument(limits).addArgument(tasks)
                .addKeyValue("event", "worker.started")
                .addKeyValue("workerId", id)
                .addKeyValue("table", table)
                .addKeyValue("queues", queues.toString())
                .addKeyValue("workerCount", cfg.workerCount())
                .addKeyValue("workerPriorities", cfg.workerPriorities().toString())
                .addKeyValue("pollInterval", cfg.pollInterval())
                .addKeyValue("waitPeriod", cfg.waitPeriod())
                .addKeyValue("maximumBufferSize", cfg.bufferSetting())
                .addKeyValue("jobTimeout", cfg.jobTimeout())
                .addKeyValue("heartbeatInterval", cfg.heartbeatInterval())
                .addKeyValue("unknownTaskRetries", cfg.unknownTaskRetries())
                .addKeyValue("middleware", cfg.middleware().size())
                .addKeyValue("handleSignals", cfg.handleSignals())
                .addKeyValue("statsRetentionMinutes", cfg.statsMinutes())
                .addKeyValue("statsRetentionHours", cfg.statsHours())
                .addKeyValue("retention", retention.toString())
                .addKeyValue("limits", limits.toString())
                .addKeyValue("maxRunning", cfg.maxRunning().toString())
                .addKeyValue("tasks", tasks.toString())
                .log();
    }
}
