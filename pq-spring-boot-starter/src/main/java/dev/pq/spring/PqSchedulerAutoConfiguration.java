package dev.pq.spring;

import dev.pq.spring.internal.BeforeWorkerStart;
import dev.pq.spring.internal.ScheduleHost;
import dev.pq.tasks.Worker;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;

/**
 * Hosts a cron schedule (pq-scheduler) where the worker runs: with pq-scheduler on the class path
 * and {@code pq.schedule.location} set, the schedule is checked against the registered tasks
 * (every problem fails the start, in one message) and the scheduler job ensured, just before the
 * worker starts.
 *
 * <pre>{@code
 * pq.schedule.location=classpath:pq_schedule.yml   # or a file path, re-read when it changes
 * pq.schedule.zone=Europe/Paris
 * }</pre>
 */
@AutoConfiguration(after = PqAutoConfiguration.class)
@ConditionalOnClass(name = "dev.pq.scheduler.Scheduler")
@ConditionalOnProperty(prefix = "pq.schedule", name = "location")
@ConditionalOnBean(Worker.class)
public class PqSchedulerAutoConfiguration {
    @Bean
    BeforeWorkerStart pqScheduleHost(PqProperties properties, ResourceLoader resources) {
        return new ScheduleHost(properties.getSchedule(), resources);
    }
}
