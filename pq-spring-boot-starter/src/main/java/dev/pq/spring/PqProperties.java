package dev.pq.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * pq's settings under {@code pq.*}: the table, migrations, the worker, the schedule and health.
 * Every one has a default, so a Spring Boot application needs none of them.
 *
 * <pre>{@code
 * pq.worker.queues=critical,*
 * pq.worker.count=8
 * pq.health.max-ready-age=5m
 * }</pre>
 */
@ConfigurationProperties(prefix = "pq")
public class PqProperties {
    /** The queue table's name. */
    private String table = "queue";
    /** The schema of the queue table. */
    private String schema = "public";
    /** Creates or upgrades pq's tables when the application starts (safe from many instances at once). */
    private boolean migrateOnStart = true;
    private final Worker worker = new Worker();
    private final Schedule schedule = new Schedule();
    private final Health health = new Health();
    private final Metrics metrics = new Metrics();

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public String getSchema() {
        return schema;
    }

    public void setSchema(String schema) {
        this.schema = schema;
    }

    public boolean isMigrateOnStart() {
        return migrateOnStart;
    }

    public void setMigrateOnStart(boolean migrateOnStart) {
        this.migrateOnStart = migrateOnStart;
    }

    public Worker getWorker() {
        return worker;
    }

    public Schedule getSchedule() {
        return schedule;
    }

    public Health getHealth() {
        return health;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /** The worker this application runs ({@code pq.worker.*}). */
    public static class Worker {
        /** Runs a worker in this application, started and stopped with the application context. */
        private boolean enabled = true;
        /** The queues it works, in priority order: names, *, globs, !exclusions. */
        private List<String> queues = new ArrayList<>(List.of("*"));
        /** The number of worker threads. */
        private int count = 6;
        /** Que's worker priorities: the first threads take only jobs at or above these priorities. */
        private List<Integer> priorities = new ArrayList<>();
        /** How often the worker polls, the fallback to LISTEN/NOTIFY. */
        private Duration pollInterval = Duration.ofSeconds(5);
        /** On shutdown, how long running jobs may finish before they are interrupted. */
        private Duration waitPeriod = Duration.ofSeconds(10);
        /**
         * How many jobs the worker locks ahead of its idle threads, a fixed number; unset (the
         * default): adaptive, at most 100 (what its threads start within a few ms, from measured run times).
         */
        private Integer bufferSize;
        /** How long a job may run before it is interrupted (a task's @Task(timeout) wins). */
        private Duration jobTimeout = Duration.ofMinutes(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getQueues() {
            return queues;
        }

        public void setQueues(List<String> queues) {
            this.queues = queues;
        }

        public int getCount() {
            return count;
        }

        public void setCount(int count) {
            this.count = count;
        }

        public List<Integer> getPriorities() {
            return priorities;
        }

        public void setPriorities(List<Integer> priorities) {
            this.priorities = priorities;
        }

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        public Duration getWaitPeriod() {
            return waitPeriod;
        }

        public void setWaitPeriod(Duration waitPeriod) {
            this.waitPeriod = waitPeriod;
        }

        public Integer getBufferSize() {
            return bufferSize;
        }

        public void setBufferSize(Integer bufferSize) {
            this.bufferSize = bufferSize;
        }

        public Duration getJobTimeout() {
            return jobTimeout;
        }

        public void setJobTimeout(Duration jobTimeout) {
            this.jobTimeout = jobTimeout;
        }
    }

    /** The cron schedule ({@code pq.schedule.*}, with pq-scheduler on the class path). */
    public static class Schedule {
        /** The schedule file (pq_schedule.yml format); unset: no schedule is hosted. */
        private String location;
        /** The time zone of entries that name none. */
        private String zone = "UTC";

        public String getLocation() {
            return location;
        }

        public void setLocation(String location) {
            this.location = location;
        }

        public String getZone() {
            return zone;
        }

        public void setZone(String zone) {
            this.zone = zone;
        }
    }

    /** The health indicator ({@code pq.health.*}, with Spring Boot Actuator). */
    public static class Health {
        /** A ready job older than this is reported; unset: the age is reported but never judged. */
        private Duration maxReadyAge;
        /** The status when the oldest ready job is older than max-ready-age: DOWN, OUT_OF_SERVICE or UP (report only). */
        private String readyAgeStatus = "DOWN";

        public Duration getMaxReadyAge() {
            return maxReadyAge;
        }

        public void setMaxReadyAge(Duration maxReadyAge) {
            this.maxReadyAge = maxReadyAge;
        }

        public String getReadyAgeStatus() {
            return readyAgeStatus;
        }

        public void setReadyAgeStatus(String readyAgeStatus) {
            this.readyAgeStatus = readyAgeStatus;
        }
    }

    /** Micrometer meters ({@code pq.metrics.*}, with pq-micrometer on the class path). */
    public static class Metrics {
        /** Publish pq's meters (pq.jobs.*, pq.queue.*, pq.worker.healthy, pq.listener.connected). */
        private boolean enabled = true;
        /** How often the queue gauges are read (one query each time, never per job or per scrape). */
        private Duration gaugeInterval = Duration.ofSeconds(10);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getGaugeInterval() {
            return gaugeInterval;
        }

        public void setGaugeInterval(Duration gaugeInterval) {
            this.gaugeInterval = gaugeInterval;
        }
    }
}
