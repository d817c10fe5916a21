package dev.pq.web.internal;

import dev.pq.internal.Identifiers;
import dev.pq.tasks.Admin;
import dev.pq.tasks.FailedJob;
import dev.pq.tasks.JobInfo;
import dev.pq.tasks.JobState;
import dev.pq.tasks.QueueSummary;
import dev.pq.tasks.WorkerInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The dashboard's pages (GET): each reads the admin API and fills its template. */
final class Pages {
    /** A rendered page body, the title and the navigation entry it belongs to. */
    record Body(String title, String nav, String html) {
    }

    private final Admin admin;
    private final Templates templates;
    private final StatsPage stats;

    Pages(Admin admin, Templates templates) {
        this.admin = admin;
        this.templates = templates;
        this.stats = new StatsPage(admin, templates);
    }

    Body render(Page p, String path) {
        if (path.equals("/")) {
            return overview(p);
        }
        if (path.equals("/queue")) {
            return queue(p);
        }
        if (path.equals("/scheduled")) {
            return scheduled(p);
        }
        if (path.equals("/working")) {
            return working(p);
        }
        if (path.equals("/failed")) {
            return failed(p);
        }
        if (path.equals("/workers")) {
            return workers(p);
        }
        if (path.equals("/stats")) {
            return new Body("Stats", "/stats", stats.render(p));
        }
        if (path.startsWith("/jobs/") && path.indexOf('/', 6) < 0) {
            return job(p, jobId(path.substring(6)));
        }
        throw HttpError.notFound("no page at " + path);
    }

    static long jobId(String text) {
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw HttpError.badRequest("a job id is a positive number: " + (text.length() > 40 ? text.substring(0, 40) : text));
    }

    static String queueName(String name) {
        if (name == null) {
            throw HttpError.badRequest("give the queue: ?name=QUEUE");
        }
        try {
            return Identifiers.queueName(name);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private Body overview(Page p) {
        Map<String, Long> working = workingByQueue();
        long[] totals = new long[4];
        List<Map<String, Object>> rows = new ArrayList<>();
        for (QueueSummary q : admin.queues()) {
            long w = working.getOrDefault(q.queue(), 0L);
            totals[0] += q.ready();
            totals[1] += q.scheduled();
            totals[2] += w;
            totals[3] += q.failed();
            rows.add(Fmt.map("name", q.queue(), "nameUrl", Page.url(q.queue()), "ready", q.ready(),
                    "scheduled", q.scheduled(), "working", w, "failed", q.failed(), "cancelled", q.cancelled(),
                    "oldest", Fmt.ago(q.oldestReadyAt(), p.now()), "paused", q.paused(), "toggle", toggle(p, q)));
        }
        Map<String, Object> scope = Fmt.map("queues", rows, "workerCount", admin.workers().size(),
                "counters", admin.counters(),
                "totals", Fmt.map("ready", totals[0], "scheduled", totals[1], "working", totals[2], "failed", totals[3]),
                "pauseAll", p.action("/pause-all", "Pause every queue", "", "Pause every queue?"),
                "resumeAll", p.action("/resume-all", "Resume every queue", "", null),
                "throughput", stats.throughputLastHour(p.now()), "latency", stats.latencyLastHour(p.now()));
        return new Body("Overview", "/", templates.render("overview", p.scope(), scope));
    }

    private Map<String, Long> workingByQueue() {
        Map<String, Long> out = new HashMap<>();
        for (JobState j : admin.jobStates()) {
            out.merge(j.queue(), 1L, Long::sum);
        }
        return out;
    }

    private static Map<String, Object> toggle(Page p, QueueSummary q) {
        return q.paused() ? p.action("/resume", "Resume", "primary", null, "queue", q.queue())
                : p.action("/pause", "Pause", "", null, "queue", q.queue());
    }

    private Body queue(Page p) {
        String name = queueName(p.param("name"));
        boolean ready = !"scheduled".equals(p.param("state"));
        QueueSummary summary = admin.queues().stream().filter(q -> q.queue().equals(name)).findFirst()
                .orElse(new QueueSummary(name, 0, 0, 0, 0, 0, false, null));
        int page = p.pageNumber();
        int offset = (page - 1) * Page.PAGE_SIZE;
        List<JobInfo> jobs = ready ? admin.ready(name, Page.PAGE_SIZE + 1, offset)
                : admin.scheduled(name, Page.PAGE_SIZE + 1, offset);
        Map<String, Object> scope = Fmt.map("name", name, "nameUrl", Page.url(name), "paused", summary.paused(),
                "summary", summary, "ready", ready, "toggle", toggle(p, summary), "jobs", jobRows(p, jobs));
        scope.putAll(p.pager(page, jobs.size() > Page.PAGE_SIZE));
        return new Body("Queue " + name, "/", templates.render("queue", p.scope(), scope));
    }

    private Body scheduled(Page p) {
        int page = p.pageNumber();
        List<JobInfo> jobs = admin.scheduled(null, Page.PAGE_SIZE + 1, (page - 1) * Page.PAGE_SIZE);
        Map<String, Object> scope = Fmt.map("jobs", jobRows(p, jobs));
        scope.putAll(p.pager(page, jobs.size() > Page.PAGE_SIZE));
        return new Body("Scheduled", "/scheduled", templates.render("scheduled", p.scope(), scope));
    }

    private List<Map<String, Object>> jobRows(Page p, List<JobInfo> jobs) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JobInfo j : jobs.subList(0, Math.min(jobs.size(), Page.PAGE_SIZE))) {
            rows.add(jobScope(p, j));
        }
        return rows;
    }

    private static Map<String, Object> jobScope(Page p, JobInfo j) {
        String state = j.locked() ? "running" : j.state().name().toLowerCase();
        String cls = switch (j.state()) {
            case FAILED, CANCELLED -> "bad";
            case FINISHED -> "ok";
            case SCHEDULED -> "warn";
            case READY -> j.locked() ? "run" : "";
        };
        boolean pending = j.state() == JobInfo.State.READY || j.state() == JobInfo.State.SCHEDULED;
        String id = Long.toString(j.id());
        return Fmt.map("id", j.id(), "queue", j.queue(), "queueUrl", Page.url(j.queue()),
                "task", j.task() == null ? "" : j.task(), "priority", j.priority(), "state", state,
                "stateClass", cls, "runAt", Fmt.time(j.runAt()), "runAgo", Fmt.ago(j.runAt(), p.now()),
                "enqueuedAt", Fmt.time(j.enqueuedAt()), "endedAt", Fmt.time(j.endedAt()),
                "errorCount", j.errorCount(), "uniqueKey", j.uniqueKey(), "group", j.group(), "payload", Fmt.payload(j.json(), j.binaryLength()),
                "message", j.lastErrorMessage(), "backtrace", j.lastErrorBacktrace(),
                "cancel", pending ? p.action("/jobs/" + id + "/cancel", "Cancel", "danger",
                        j.locked() ? "Cancel running job " + id + "? Its worker interrupts it." : null) : null,
                "retry", pending ? null : p.action("/jobs/" + id + "/retry", "Retry", "primary", null),
                "delete", pending ? null : p.action("/jobs/" + id + "/delete", "Delete", "danger", null));
    }

    private Body working(Page p) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JobState j : admin.jobStates()) {
            rows.add(Fmt.map("id", j.id(), "queue", j.queue(), "queueUrl", Page.url(j.queue()), "task", j.task(),
                    "host", j.host(), "pid", j.pid(), "thread", j.thread(), "since", Fmt.time(j.since()),
                    "sinceAgo", Fmt.ago(j.since(), p.now()),
                    "cancel", p.action("/jobs/" + j.id() + "/cancel", "Cancel", "danger", null)));
        }
        return new Body("Working", "/working", templates.render("working", p.scope(), Fmt.map("jobs", rows)));
    }

    private Body failed(Page p) {
        String queue = p.param("queue");
        if (queue != null) {
            queueName(queue);
        }
        String task = p.param("task");
        String kind = p.param("kind");
        if (kind != null && !kind.equals("failed") && !kind.equals("cancelled")) {
            throw HttpError.badRequest("kind is failed or cancelled: " + kind);
        }
        boolean cancelled = "cancelled".equals(kind);
        int page = p.pageNumber();
        int offset = (page - 1) * Page.PAGE_SIZE;
        List<FailedJob> jobs = cancelled ? admin.cancelled(queue, task, Page.PAGE_SIZE + 1, offset)
                : admin.failed(queue, task, Page.PAGE_SIZE + 1, offset);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (FailedJob j : jobs.subList(0, Math.min(jobs.size(), Page.PAGE_SIZE))) {
            String id = Long.toString(j.id());
            rows.add(Fmt.map("id", j.id(), "queue", j.queue(), "task", j.task(), "errorCount", j.errorCount(),
                    "message", Fmt.firstLine(j.lastErrorMessage(), 200), "backtrace", j.lastErrorBacktrace(),
                    "args", Fmt.payload(j.args(), -1), "failedAt", Fmt.time(j.failedAt()),
                    "failedAgo", Fmt.ago(j.failedAt(), p.now()),
                    "retry", p.action("/jobs/" + id + "/retry", "Retry", "primary", null),
                    "delete", p.action("/jobs/" + id + "/delete", "Delete", "danger", null)));
        }
        List<Map<String, Object>> queues = new ArrayList<>();
        for (QueueSummary q : admin.queues()) {
            if (q.failed() + q.cancelled() > 0 || q.queue().equals(queue)) {
                queues.add(Fmt.map("value", q.queue(), "selected", q.queue().equals(queue)));
            }
        }
        String what = (cancelled ? "cancelled" : "failed") + " job" + (queue == null ? "" : " of " + queue)
                + (task == null ? "" : " of task " + task);
        String[] filter = {"queue", queue, "task", task, "kind", cancelled ? "cancelled" : "failed"};
        Map<String, Object> scope = Fmt.map("jobs", rows, "cancelledView", cancelled, "task", task,
                "queueOptions", queues,
                "retryAll", cancelled ? null : p.action("/failed/retry-all", "Retry all", "primary",
                        "Retry every " + what + "?", filter),
                "deleteAll", p.action("/failed/delete-all", "Delete all", "danger", "Delete every " + what + "?",
                        filter));
        scope.putAll(p.pager(page, jobs.size() > Page.PAGE_SIZE));
        return new Body(cancelled ? "Cancelled" : "Failed", "/failed", templates.render("failed", p.scope(), scope));
    }

    private Body workers(Page p) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (WorkerInfo w : admin.workers()) {
            List<Map<String, Object>> jobs = new ArrayList<>();
            for (JobState j : w.jobs()) {
                jobs.add(Fmt.map("id", j.id(), "task", j.task()));
            }
            rows.add(Fmt.map("host", w.host(), "pid", w.pid(), "queues", String.join(", ", w.queues()),
                    "threads", w.workerCount(), "jobs", jobs, "started", Fmt.time(w.startedAt()),
                    "startedAgo", Fmt.ago(w.startedAt(), p.now()), "heartbeat", Fmt.time(w.heartbeatAt()),
                    "heartbeatAgo", Fmt.ago(w.heartbeatAt(), p.now()), "processed", w.processed(),
                    "failed", w.failed()));
        }
        return new Body("Workers", "/workers", templates.render("workers", p.scope(), Fmt.map("workers", rows)));
    }

    private Body job(Page p, long id) {
        Optional<JobInfo> job = admin.job(id);
        if (job.isEmpty()) {
            throw HttpError.notFound("no job " + id + ": it completed and was deleted, or it never existed");
        }
        Map<String, Object> scope = jobScope(p, job.get());
        return new Body("Job " + id, "/", templates.render("job", p.scope(), scope));
    }
}
