package dev.pq.web.internal;

import dev.pq.tasks.Admin;
import dev.pq.tasks.JobInfo;
import java.util.Optional;

/** The dashboard's actions (POST only, CSRF-checked by the servlet): each returns what it did, in words. */
final class Actions {
    private final Admin admin;

    Actions(Admin admin) {
        this.admin = admin;
    }

    String run(Page p, String path) {
        switch (path) {
            case "/pause": {
                String q = Pages.queueName(p.param("queue"));
                return admin.pause(q) == 1 ? "Paused " + q + ": no worker starts its jobs until it is resumed"
                        : q + " was paused already";
            }
            case "/resume": {
                String q = Pages.queueName(p.param("queue"));
                int n = admin.resume(q);
                boolean all = admin.paused().stream().anyMatch(x -> x.queue().equals("*"));
                return (n == 1 ? "Resumed " + q : q + " was not paused by name")
                        + (all ? " (every queue is still paused: resume every queue to run it)" : "");
            }
            case "/pause-all":
                admin.pause("*");
                return "Paused every queue";
            case "/resume-all":
                return "Resumed every queue (" + admin.resume("*") + " pauses removed)";
            case "/failed/retry-all": {
                long n = admin.retryAllFailed(queue(p), p.param("task"));
                return "Retried " + n + " failed job" + (n == 1 ? "" : "s");
            }
            case "/failed/delete-all": {
                boolean cancelled = "cancelled".equals(p.param("kind"));
                String task = p.param("task");
                long n = cancelled ? admin.deleteAllCancelled(queue(p), task) : admin.deleteAllFailed(queue(p), task);
                return "Deleted " + n + (cancelled ? " cancelled" : " failed") + " job" + (n == 1 ? "" : "s");
            }
            default:
                break;
        }
        if (path.startsWith("/jobs/")) {
            int slash = path.indexOf('/', 6);
            if (slash > 0) {
                return job(Pages.jobId(path.substring(6, slash)), path.substring(slash + 1));
            }
        }
        throw HttpError.notFound("no action at " + path);
    }

    private static String queue(Page p) {
        String q = p.param("queue");
        return q == null ? null : Pages.queueName(q);
    }

    private String job(long id, String verb) {
        switch (verb) {
            case "cancel":
                return switch (admin.cancel(id, "from the dashboard")) {
                    case WAITING -> "Cancelled job " + id + ": it will not run";
                    case RUNNING -> "Cancelled job " + id + ": its worker interrupts it and keeps working";
                    case NOT_PENDING -> throw missing(id, "it is not waiting or running");
                };
            case "retry":
                if (!admin.retryFailed(id)) {
                    throw missing(id, "it is not failed or cancelled");
                }
                return "Retried job " + id + ": it is ready again";
            case "delete":
                if (!admin.deleteFailed(id)) {
                    throw missing(id, "only failed or cancelled jobs are deleted here");
                }
                return "Deleted job " + id;
            default:
                throw HttpError.notFound("no action " + verb + " on jobs: cancel, retry or delete");
        }
    }

    private HttpError missing(long id, String why) {
        Optional<JobInfo> job = admin.job(id);
        if (job.isEmpty()) {
            return HttpError.notFound("no job " + id + ": it completed and was deleted, or it never existed");
        }
        return new HttpError(409, "job " + id + " is " + job.get().state().name().toLowerCase() + ": " + why);
    }
}
