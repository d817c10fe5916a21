package dev.pq.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a {@link Schedule}: which task to enqueue, when, where and with what.
 *
 * @param name     the entry's name (the key in the schedule file); unique in a schedule
 * @param task     the registered task to enqueue (a task name, a job class's simple name...)
 * @param cron     five cron fields or {@code @yearly}, {@code @monthly}, {@code @weekly},
 *                 {@code @daily}, {@code @hourly}, with an optional IANA zone after them
 *                 ({@code "0 7 * * * America/Los_Angeles"})
 * @param queue    the queue, or null for the task's own
 * @param priority the priority, or null for the task's own
 * @param args     the positional arguments (empty for none); values may be maps, lists, strings,
 *                 numbers as YAML gives them: they are converted to the task's parameter types
 * @param type     what missed matches become
 */
public record ScheduleEntry(String name, String task, String cron, String queue, Integer priority, List<Object> args,
                            ScheduleType type) {
    public ScheduleEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cron, "cron");
        task = task == null ? name : task;
        // args may hold nulls (a YAML "~"): an unmodifiable copy, not List.copyOf
        args = args == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(args));
        type = type == null ? ScheduleType.DEFAULT : type;
    }
}
