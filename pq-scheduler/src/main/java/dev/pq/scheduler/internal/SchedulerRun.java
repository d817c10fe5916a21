package dev.pq.scheduler.internal;

import dev.pq.internal.Engine;
import dev.pq.scheduler.Schedule;
import dev.pq.scheduler.ScheduleEntry;
import dev.pq.scheduler.ScheduleType;
import dev.pq.scheduler.spi.SchedulerClock;
import dev.pq.tasks.Enqueue;
import dev.pq.tasks.JobContext;
import dev.pq.tasks.Tasks;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduler run, in the scheduler job's transaction: read the clock (the database's), lock
 * the state row, enqueue every entry's matches in {@code (last run, now]} as its schedule type
 * says, record the run and each job, save the new state, and reschedule the job for the start of
 * the next minute. Anything failing rolls all of it back; the retry computes again from the same
 * state, so a match is enqueued once, whatever crashes.
 */
public final class SchedulerRun {
    private static final Logger log = LoggerFactory.getLogger(SchedulerRun.class);

    private final Tasks tasks;
    private final SchedulerSql sql;
    private final Supplier<Schedule> schedules;
    private final ZoneId zone;
    private final SchedulerClock clock;

    public SchedulerRun(Tasks tasks, SchedulerSql sql, Supplier<Schedule> schedules, ZoneId zone, SchedulerClock clock) {
        this.tasks = tasks;
        this.sql = sql;
        this.schedules = schedules;
        this.zone = zone;
        this.clock = clock;
    }

    private record State(Instant lastRun, Set<String> known) {
    }

    void run(JobContext job) throws SQLException {
        Connection c = job.connection();
        Instant now = clock.now(c);
        Schedule schedule = schedules.get();
        List<String> names = schedule.entries().stream().map(ScheduleEntry::name).toList();
        State state = state(c);
        if (state == null || state.lastRun() == null) {
            try (PreparedStatement ps = c.prepareStatement(sql.insertState)) {
                ps.setObject(1, Engine.jdbc(now));
                ps.setArray(2, c.createArrayOf("text", names.toArray()));
                ps.executeUpdate();
            }
            run(c, job.id(), now, 0);
            log.info("scheduler started at {}: {} entries, each from its next match", now, names.size());
            job.retryIn(untilNextMinute(now));
            return;
        }
        if (!now.isAfter(state.lastRun())) {
            // the clock is behind the last run (a clock moved back): nothing is due, and the state
            // keeps its later time so no match is enqueued twice once the clock passes it again
            log.warn("scheduler: the time {} is not after the last run {}: nothing to do", now, state.lastRun());
            job.retryIn(untilNextMinute(state.lastRun()));
            return;
        }
        long runId = run(c, job.id(), now, 0);
        int enqueued = 0;
        List<String> what = new ArrayList<>();
        for (ScheduleEntry e : schedule.entries()) {
            if (!state.known().contains(e.name())) {
                continue; // a new entry starts from the next run, with nothing for the past
            }
            List<Instant> matches = Cron.parse(e.cron(), zone).matches(state.lastRun(), now);
            if (matches.isEmpty()) {
                continue;
            }
            if (e.type() == ScheduleType.DEFAULT) {
                enqueue(c, runId, e, e.args(), matches.get(matches.size() - 1)); // missed matches coalesce
                enqueued++;
            } else {
                for (Instant m : matches) {
                    List<Object> args = new ArrayList<>(e.args().size() + 1);
                    args.add(m.toString());
                    args.addAll(e.args());
                    enqueue(c, runId, e, args, m);
                    enqueued++;
                }
            }
            what.add(e.name() + (matches.size() > 1 ? " x" + matches.size() : ""));
        }
        try (PreparedStatement ps = c.prepareStatement(sql.saveState)) {
            ps.setObject(1, Engine.jdbc(now));
            ps.setArray(2, c.createArrayOf("text", names.toArray()));
            ps.executeUpdate();
        }
        if (enqueued > 0) {
            try (PreparedStatement ps = c.prepareStatement(sql.runEntries)) {
                ps.setInt(1, enqueued);
                ps.setLong(2, runId);
                ps.executeUpdate();
            }
            log.info("scheduler run at {}: enqueued {} jobs ({})", now, enqueued, String.join(", ", what));
        } else {
            log.debug("scheduler run at {}: nothing due", now);
        }
        job.retryIn(untilNextMinute(now));
    }

    private State state(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.state); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            Instant last = Engine.instant(rs, 1);
            Array known = rs.getArray(2);
            Set<String> names = known == null ? Set.of() : new HashSet<>(Arrays.asList((String[]) known.getArray()));
            return new State(last, names);
        }
    }

    private long run(Connection c, long jobId, Instant now, int entries) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.insertRun)) {
            ps.setLong(1, jobId);
            ps.setObject(2, Engine.jdbc(now));
            ps.setInt(3, entries);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void enqueue(Connection c, long runId, ScheduleEntry e, List<Object> args, Instant runTime)
            throws SQLException {
        Enqueue options = Enqueue.options().in(c);
        if (e.queue() != null) {
            options = options.queue(e.queue());
        }
        if (e.priority() != null) {
            options = options.priority(e.priority());
        }
        long id = tasks.enqueue(e.task(), options, args.toArray());
        try (PreparedStatement ps = c.prepareStatement(sql.recordEnqueued)) {
            ps.setLong(1, runId);
            ps.setString(2, e.name());
            ps.setObject(3, Engine.jdbc(runTime));
            ps.setLong(4, id);
            ps.executeUpdate();
        }
    }

    /** How long until the start of the minute after {@code now}, and a millisecond more. */
    static Duration untilNextMinute(Instant now) {
        Instant next = now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        return Duration.between(now, next).plusMillis(1);
    }
}
