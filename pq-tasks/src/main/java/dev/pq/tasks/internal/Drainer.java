package dev.pq.tasks.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pq.tasks.JobInfo;
import dev.pq.tasks.JobListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Runs ready jobs one after another on the calling thread through the worker's own path
 * ({@link JobRunner}: pickup check, unique key release, middleware, listeners, completion in the
 * job's transaction or by the {@link Completer}, failure with the task's retry policy), each locked
 * with a session advisory lock like a worker's, until no ready job is left or {@code maxRuns} ran.
 * Only what a worker's background services do is left out: no watchdog (timeouts are not
 * enforced), no heartbeat (the stats series does not count these runs), no cancel listener.
 */
public final class Drainer {
    /** What one drain did: runs, and how they ended. */
    public record Result(int ran, int succeeded, int retried, int failed) {
    }

    private static final String DECODE_FATE =
            "the job was marked failed, not retried: fix the payload or the task's parameters, then retry it";

    private final TasksDb db;
    private final Registry registry;
    private final ObjectMapper mapper;
    private final List<JobListener> listeners;
    private final Clock clock;
    private final WorkerConfig cfg;

    public Drainer(TasksDb db, Registry registry, ObjectMapper mapper, List<JobListener> listeners, Clock clock,
                   WorkerConfig cfg) {
        this.db = db;
        this.registry = registry;
        this.mapper = mapper;
        this.listeners = List.copyOf(listeners);
        this.clock = clock;
        this.cfg = cfg;
    }

    /** Drains {@code queues} (null: every queue with pending jobs), at most {@code maxRuns} runs. */
    public Result drain(List<String> queues, int maxRuns) {
        int ran = 0;
        int succeeded = 0;
        int retried = 0;
        int failed = 0;
        try (DrainLocks locks = new DrainLocks(db)) {
            Connection c = locks.session();
            JobRunner runner = new JobRunner(db, new Executor(registry, mapper, cfg.middleware(), listeners, DECODE_FATE),
                    Completer.inline(db, locks::release), locks,
                    new PickupCheck(db, new Buffer(new Wakeup(), Comparator.naturalOrder()), locks), clock, listeners,
                    cfg, new StatsSeries(cfg.statsMinutes(), cfg.statsHours()));
            while (ran < maxRuns) {
                List<String> names = queues != null ? queues : db.queueNames(c);
                TasksDb.Locked round = names.isEmpty() ? null
                        : db.lock(c, names, WorkerConfig.ANY, List.of(), 1, 16);
                if (round == null || round.ids().length == 0) {
                    break; // nothing ready (or every ready job is locked by a worker elsewhere)
                }
                List<LockedJob> jobs = round.jobs();
                if (jobs.isEmpty()) {
                    locks.release(round.ids()[0]); // completed elsewhere after the lock statement's snapshot
                    continue;
                }
                LockedJob job = jobs.get(0);
                runner.run(job, WorkerConfig.ANY);
                ran++;
                Optional<JobInfo> after = JobReader.byId(db, c, job.id());
                JobInfo.State state = after.map(JobInfo::state).orElse(JobInfo.State.FINISHED);
                switch (state) {
                    case FINISHED -> succeeded++;
                    case FAILED, CANCELLED -> failed++;
                    case READY, SCHEDULED -> retried++;
                }
            }
        } catch (SQLException e) {
            throw db.engine().translate(e, "draining " + (queues == null ? "every queue" : "queues " + queues));
        }
        return new Result(ran, succeeded, retried, failed);
    }
}
