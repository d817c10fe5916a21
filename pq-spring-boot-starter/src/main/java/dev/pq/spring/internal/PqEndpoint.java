package dev.pq.spring.internal;

import dev.pq.tasks.Admin;
import dev.pq.tasks.QueueSummary;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.WorkerInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The actuator endpoint {@code pq} ({@code /actuator/pq} once exposed): every queue's counts and
 * the live workers of the table, as {@code pq stats} shows them. Read-only.
 */
@Endpoint(id = "pq")
public final class PqEndpoint {
    private final Admin admin;
    private final Tasks tasks;

    public PqEndpoint(Admin admin, Tasks tasks) {
        this.admin = admin;
        this.tasks = tasks;
    }

    @ReadOperation
    public Map<String, Object> pq() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("table", tasks.pq().toString());
        out.put("tasks", new ArrayList<>(tasks.taskNames()));
        List<Map<String, Object>> queues = new ArrayList<>();
        for (QueueSummary q : admin.queues()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("queue", q.queue());
            d.put("ready", q.ready());
            d.put("scheduled", q.scheduled());
            d.put("locked", q.locked());
            d.put("failed", q.failed());
            d.put("cancelled", q.cancelled());
            d.put("paused", q.paused());
            d.put("oldestReadyAt", q.oldestReadyAt() == null ? null : q.oldestReadyAt().toString());
            queues.add(d);
        }
        out.put("queues", queues);
        List<Map<String, Object>> workers = new ArrayList<>();
        for (WorkerInfo w : admin.workers()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", w.id());
            d.put("host", w.host());
            d.put("pid", w.pid());
            d.put("queues", w.queues());
            d.put("workerCount", w.workerCount());
            d.put("startedAt", String.valueOf(w.startedAt()));
            d.put("heartbeatAt", String.valueOf(w.heartbeatAt()));
            d.put("running", w.jobs().size());
            d.put("processed", w.processed());
            d.put("failed", w.failed());
            workers.add(d);
        }
        out.put("workers", workers);
        return out;
    }
}
