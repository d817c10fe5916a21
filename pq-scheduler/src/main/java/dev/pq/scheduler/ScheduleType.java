package dev.pq.scheduler;

/**
 * What an entry does with cron matches missed while no scheduler run happened (que-scheduler's
 * {@code schedule_type}).
 */
public enum ScheduleType {
    /** Any number of missed matches coalesce into one job (resque-scheduler's behaviour). */
    DEFAULT("default"),
    /**
     * One job per match, even after a long outage or a restore; each job's first argument is its
     * match time as ISO-8601 text ({@code 2026-12-01T07:00:00Z}).
     */
    EVERY_EVENT("every_event");

    private final String yaml;

    ScheduleType(String yaml) {
        this.yaml = yaml;
    }

    /** The name in a schedule file. */
    public String yamlName() {
        return yaml;
    }

    /** The type named {@code name} in a schedule file, or null if none is. */
    public static ScheduleType ofYaml(String name) {
        for (ScheduleType t : values()) {
            if (t.yaml.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
