package dev.pq.scheduler.internal;

import dev.pq.scheduler.Schedule;
import dev.pq.tasks.Tasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;

/**
 * The schedule a run uses: one fixed in code, or a file read again whenever it changed (so a
 * deploy that changes it needs no restart), checked against the tasks before it is used.
 */
public final class ScheduleSource implements Supplier<Schedule> {
    private final Schedule fixed;
    private final Path file;
    private final Tasks tasks;
    private FileTime readAt;
    private long readSize = -1;
    private Schedule cached;

    private ScheduleSource(Schedule fixed, Path file, Tasks tasks) {
        this.fixed = fixed;
        this.file = file;
        this.tasks = tasks;
    }

    public static ScheduleSource of(Schedule schedule, Tasks tasks) {
        return new ScheduleSource(schedule.check(tasks), null, tasks);
    }

    public static ScheduleSource of(Path file, Tasks tasks) {
        ScheduleSource s = new ScheduleSource(null, file, tasks);
        s.get(); // a missing or invalid file fails at once, not at the first run
        return s;
    }

    /** The file, or null for a schedule fixed in code. */
    public Path file() {
        return file;
    }

    /** The current schedule; a file that no longer validates throws its problems. */
    @Override
    public synchronized Schedule get() {
        if (fixed != null) {
            return fixed;
        }
        try {
            FileTime at = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (cached == null || !at.equals(readAt) || size != readSize) {
                Schedule s = Schedule.load(file).check(tasks);
                cached = s;
                readAt = at;
                readSize = size;
            }
            return cached;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schedule file " + file.toAbsolutePath() + ": "
                    + e.getMessage() + " (set it with -D" + Schedule.PROPERTY + "=... or " + Schedule.ENV + ")", e);
        }
    }
}
