package dev.pq.spring.internal;

import dev.pq.spring.PqProperties;
import dev.pq.tasks.Admin;
import dev.pq.tasks.QueueSummary;
import dev.pq.tasks.Worker;
import dev.pq.tasks.WorkerHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * pq's health, apart from either Boot's health types (the Boot 3 and Boot 4 indicators adapt it):
 * DOWN when this application's worker is not healthy (not running, its locker connection lost, or
 * its LISTEN gone), the configured status when the oldest ready job waited longer than
 * {@code pq.health.max-ready-age}, else UP; with the worker's state and each queue's counts and
 * oldest ready age as details.
 */
public final class PqHealth {
    /** A status code (UP, DOWN, OUT_OF_SERVICE) and details. */
    public record Result(String status, Map<String, Object> details) {
    }

    private final Admin admin;
    private final Worker worker;
    private final PqProperties.Health settings;
    private final Clock clock;

    public PqHealth(Admin admin, Worker worker, PqProperties.Health settings, Clock clock) {
        this.admin = admin;
        this.worker = worker;
        this.settings = settings;
        this.clock = clock;
        String s = settings.getReadyAgeStatus().toUpperCase(Locale.ROOT);
        if (!s.equals("DOWN") && !s.equals("OUT_OF_SERVICE") && !s.equals("UP")) {
            throw new IllegalArgumentException("pq.health.ready-age-status must be DOWN, OUT_OF_SERVICE or UP: "
                    + settings.getReadyAgeStatus());
        }
    }

    /** Checks now; a failing database query is DOWN with its error. */
    public Result check() {
        Map<String, Object> details = new LinkedHashMap<>();
        String status = "UP";
        if (worker != null) {
            WorkerHealth h = worker.health();
            details.put("worker", workerDetails(h));
            if (!h.healthy()) {
                status = "DOWN";
            }
        }
        Instant now = clock.instant();
        Duration oldest = null;
        String oldestQueue = null;
        Map<String, Object> queues = new LinkedHashMap<>();
        for (QueueSummary q : admin.queues()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("ready", q.ready());
            d.put("scheduled", q.scheduled());
            d.put("locked", q.locked());
            d.put("failed", q.failed());
            d.put("paused", q.paused());
            if (q.oldestReadyAt() != null) {
                Duration age = Duration.between(q.oldestReadyAt(), now);
                age = age.isNegative() ? Duration.ZERO : age;
                d.put("oldestReadyAge", age.toString());
                if (!q.paused() && (oldest == null || age.compareTo(oldest) > 0)) {
                    oldest = age;
                    oldestQueue = q.queue();
                }
            }
            queues.put(q.queue(), d);
        }
        details.put("queues", queues);
        Duration max = settings.getMaxReadyAge();
        if (oldest != null) {
            details.put("oldestReadyAge", oldest.toString());
        }
        if (max != null && oldest != null && oldest.compareTo(max) > 0) {
            details.put("readyAgeExceeded", "queue " + oldestQueue + ": oldest ready job waited " + oldest
                    + ", more than pq.health.max-ready-age " + max);
            String judged = settings.getReadyAgeStatus().toUpperCase(Locale.ROOT);
            if (status.equals("UP")) {
                status = judged;
            }
        }
        return new Result(status, details);
    }

    private static Map<String, Object> workerDetails(WorkerHealth h) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", h.id());
        d.put("state", h.state().name());
        d.put("lockerConnected", h.lockerConnected());
        d.put("listening", h.listening());
        d.put("workerCount", h.workerCount());
        d.put("running", h.running());
        d.put("buffered", h.buffered());
        d.put("processed", h.processed());
        d.put("failed", h.failed());
        return d;
    }
}
