package dev.pq.spring.internal;

import dev.pq.PQ;
import dev.pq.micrometer.PqMetrics;
import dev.pq.spring.PqProperties;
import dev.pq.tasks.Worker;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * pq's Micrometer meters when pq-micrometer is on the class path: a {@link PqMetrics} bean. It is
 * a {@code JobListener} (so the starter's {@code Tasks} reports to it) and a {@code MeterBinder}
 * (so Spring Boot binds it to every registry, Prometheus's among them); it watches the worker
 * once every singleton exists. Imported by the auto-configuration; conditions read by name, so
 * nothing here is loaded without the module.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {"dev.pq.micrometer.PqMetrics", "io.micrometer.core.instrument.MeterRegistry"})
@ConditionalOnProperty(prefix = "pq.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
public class PqMetricsConfiguration {
    /** The meters, read from the queue table every {@code pq.metrics.gauge-interval}. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public PqMetrics pqMetrics(PQ pq, PqProperties properties) {
        return PqMetrics.builder(pq).gaugeInterval(properties.getMetrics().getGaugeInterval()).build();
    }

    /** Points the worker gauges at this application's worker, if it runs one. */
    @Bean
    public static SmartInitializingSingleton pqMetricsWatchesWorker(ObjectProvider<PqMetrics> metrics,
                                                                     ObjectProvider<Worker> worker) {
        return () -> metrics.ifAvailable(m -> worker.ifAvailable(m::watch));
    }
}
