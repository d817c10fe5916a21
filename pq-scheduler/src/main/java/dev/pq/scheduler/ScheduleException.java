package dev.pq.scheduler;

import dev.pq.PQException;
import java.util.List;
import java.util.stream.Collectors;

/** A schedule that cannot be used: every problem found, each naming its entry and field. */
public class ScheduleException extends PQException {
    private static final long serialVersionUID = 1L;

    private final transient List<ScheduleProblem> problems;

    public ScheduleException(String source, List<ScheduleProblem> problems) {
        super("the schedule " + source + " has " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                + ":\n  " + problems.stream().map(ScheduleProblem::toString).collect(Collectors.joining("\n  ")));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found. */
    public List<ScheduleProblem> problems() {
        return problems;
    }
}
