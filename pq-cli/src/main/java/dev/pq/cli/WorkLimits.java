package dev.pq.cli;

import dev.pq.internal.When;
import dev.pq.tasks.Limit;
import dev.pq.tasks.Retention;
import dev.pq.tasks.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code pq work}'s limits and retention flags, applied to the worker's builder. */
final class WorkLimits {
    @Option(names = "--concurrency", paramLabel = "QUEUE=N",
            description = "At most N jobs of QUEUE run at once across every worker given the same flag; repeatable.")
    List<String> concurrency = new ArrayList<>();

    @Option(names = "--rate", paramLabel = "QUEUE=N/PERIOD",
            description = "At most N job starts of QUEUE in any PERIOD (1s, 1m...) across every worker given the same "
                    + "flag, e.g. --rate stripe=100/1m; repeatable.")
    List<String> rates = new ArrayList<>();

    @Option(names = "--max-running", paramLabel = "QUEUE=N",
            description = "At most N jobs of QUEUE taken by this process at once; repeatable.")
    List<String> maxRunning = new ArrayList<>();

    @Option(names = "--no-prune",
            description = "Keep finished, failed and cancelled jobs forever (by default every worker prunes them: "
                    + "finished after 1 day, failed and cancelled after 14 days).")
    boolean noPrune;

    /** Applies the flags; a malformed one throws IllegalArgumentException naming it. */
    void apply(Worker.Builder b) {
        for (String c : concurrency) {
            String[] kv = pair("--concurrency", c, "QUEUE=N");
            b.limit(Limit.queue(kv[0]).concurrency(number("--concurrency", c, kv[1])));
        }
        for (String r : rates) {
            String[] kv = pair("--rate", r, "QUEUE=N/PERIOD");
            int slash = kv[1].indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("--rate " + r + ": give QUEUE=N/PERIOD, e.g. stripe=100/1m");
            }
            Duration period = When.duration("--rate", kv[1].substring(slash + 1));
            b.limit(Limit.rate(kv[0], number("--rate", r, kv[1].substring(0, slash)), period).queues(kv[0]));
        }
        for (String m : maxRunning) {
            String[] kv = pair("--max-running", m, "QUEUE=N");
            b.maxRunning(kv[0], number("--max-running", m, kv[1]));
        }
        if (noPrune) {
            b.retention(Retention.none());
        }
    }

    private static String[] pair(String flag, String value, String form) {
        int eq = value.indexOf('=');
        if (eq <= 0 || eq == value.length() - 1) {
            throw new IllegalArgumentException(flag + " " + value + ": give " + form);
        }
        return new String[] {value.substring(0, eq), value.substring(eq + 1)};
    }

    private static int number(String flag, String value, String n) {
        try {
            return Integer.parseInt(n.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " " + value + ": " + n + " is not a whole number");
        }
    }
}
