package dev.pq.spring;

import dev.pq.PQ;
import dev.pq.spring.internal.BeforeWorkerStart;
import dev.pq.spring.internal.PqMetricsConfiguration;
import dev.pq.spring.internal.SpringTransactions;
import dev.pq.spring.internal.TaskBeans;
import dev.pq.spring.internal.WorkerLifecycle;
import dev.pq.tasks.Admin;
import dev.pq.tasks.JobListener;
import dev.pq.tasks.Middleware;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * pq for a Spring Boot application: a {@link PQ} over the application's {@link DataSource}
 * (tables migrated at start unless {@code pq.migrate-on-start=false}), {@link Tasks} whose
 * enqueues join Spring-managed transactions, {@link Admin}, and a {@link Worker} started and
 * stopped with the context ({@code pq.worker.enabled}, default true). {@code @Task} beans and
 * {@code JobHandler} beans are registered on {@link Tasks}; {@code @TaskClient} injects clients.
 * Every bean backs off when the application defines its own.
 *
 * <pre>{@code
 * spring.datasource.url=jdbc:postgresql://localhost/shop
 * pq.worker.queues=emails,*
 * }</pre>
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",   // Boot 3
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",   // Boot 4
        "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration"})
@ConditionalOnClass({PQ.class, Tasks.class, DataSource.class})
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(PqProperties.class)
@Import(PqMetricsConfiguration.class)
public class PqAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(PqAutoConfiguration.class);

    /** Finds {@code @Task} and job class beans, registers their clients, and later them on {@link Tasks}. */
    @Bean
    static TaskBeans pqTaskBeans() {
        return new TaskBeans();
    }

    /** The queue table over the application's data source; migrated now unless told not to. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public PQ pq(DataSource dataSource, PqProperties properties) {
        PQ.Builder b = PQ.builder().dataSource(dataSource).table(properties.getTable());
        if (properties.getSchema() != null && !properties.getSchema().isBlank()) {
            b.schema(properties.getSchema());
        }
        PQ pq = b.build();
        if (properties.isMigrateOnStart()) {
            pq.migrate();
            log.info("pq migrated {} to schema version {}", pq, pq.schemaVersion());
        }
        return pq;
    }

    /** The tasks layer; an enqueue inside a Spring transaction on the data source joins it. */
    @Bean
    @ConditionalOnMissingBean
    public Tasks pqTasks(PQ pq, DataSource dataSource, ObjectProvider<JobListener> listeners,
                         ObjectProvider<PqTasksCustomizer> customizers) {
        Tasks.Builder b = Tasks.builder(pq).ambientTransaction(new SpringTransactions(dataSource));
        listeners.orderedStream().forEach(b::listener);
        customizers.orderedStream().forEach(c -> c.customize(b));
        return b.build();
    }

    /** Inspection and repair of jobs, failures and workers. */
    @Bean
    @ConditionalOnMissingBean
    public Admin pqAdmin(Tasks tasks) {
        return tasks.admin();
    }

    /** The worker, unless {@code pq.worker.enabled=false}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "pq.worker", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class WorkerConfiguration {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        Worker pqWorker(Tasks tasks, PqProperties properties, ObjectProvider<Middleware> middleware,
                        ObjectProvider<PqWorkerCustomizer> customizers) {
            PqProperties.Worker w = properties.getWorker();
            Worker.Builder b = Worker.builder(tasks)
                    .queues(w.getQueues())
                    .workerCount(w.getCount())
                    .pollInterval(w.getPollInterval())
                    .waitPeriod(w.getWaitPeriod())
                    .jobTimeout(w.getJobTimeout())
                    .handleSignals(false); // the context's shutdown hook closes it
            if (w.getBufferSize() != null) {
                b.maximumBufferSize(w.getBufferSize()); // else adaptive
            }
            if (!w.getPriorities().isEmpty()) {
                b.workerPriorities(w.getPriorities().toArray(Integer[]::new));
            }
            middleware.orderedStream().forEach(b::middleware);
            customizers.orderedStream().forEach(c -> c.customize(b));
            return b.build();
        }

        @Bean
        @ConditionalOnMissingBean
        WorkerLifecycle pqWorkerLifecycle(Worker worker, Tasks tasks, ObjectProvider<BeforeWorkerStart> hooks) {
            return new WorkerLifecycle(worker, tasks, hooks.orderedStream().toList());
        }
    }
}
