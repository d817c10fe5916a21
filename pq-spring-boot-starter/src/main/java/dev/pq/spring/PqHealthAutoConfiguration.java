package dev.pq.spring;

import dev.pq.spring.internal.Boot3PqHealthIndicator;
import dev.pq.spring.internal.Boot4PqHealthIndicator;
import dev.pq.spring.internal.PqHealth;
import dev.pq.tasks.Admin;
import dev.pq.tasks.Worker;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code pq} health indicator ({@code /actuator/health/pq}), for Boot 3's and Boot 4's health
 * types alike: one nested configuration per Boot, each conditional on its own
 * {@code HealthIndicator} class. Off with {@code management.health.pq.enabled=false}.
 *
 * <pre>{@code
 * pq.health.max-ready-age=5m           # a ready job waiting longer turns the status...
 * pq.health.ready-age-status=OUT_OF_SERVICE   # ...to this (DOWN by default; UP only reports)
 * }</pre>
 */
@AutoConfiguration(after = PqAutoConfiguration.class)
@ConditionalOnBean(Admin.class)
@ConditionalOnProperty(name = "management.health.pq.enabled", havingValue = "true", matchIfMissing = true)
public class PqHealthAutoConfiguration {
    static PqHealth health(Admin admin, ObjectProvider<Worker> worker, PqProperties properties) {
        return new PqHealth(admin, worker.getIfAvailable(), properties.getHealth(), Clock.systemUTC());
    }

    /** Spring Boot 4: {@code org.springframework.boot.health.contributor.HealthIndicator}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot4 {
        @Bean
        @ConditionalOnMissingBean(name = "pqHealthIndicator")
        Boot4PqHealthIndicator pqHealthIndicator(Admin admin, ObjectProvider<Worker> worker, PqProperties properties) {
            return new Boot4PqHealthIndicator(health(admin, worker, properties));
        }
    }

    /** Spring Boot 3: {@code org.springframework.boot.actuate.health.HealthIndicator}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot3 {
        @Bean
        @ConditionalOnMissingBean(name = "pqHealthIndicator")
        Boot3PqHealthIndicator pqHealthIndicator(Admin admin, ObjectProvider<Worker> worker, PqProperties properties) {
            return new Boot3PqHealthIndicator(health(admin, worker, properties));
        }
    }
}
