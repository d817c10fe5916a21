package dev.pq.spring;

import dev.pq.spring.internal.PqEndpoint;
import dev.pq.tasks.Admin;
import dev.pq.tasks.Tasks;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The actuator endpoint {@code pq}: queues and live workers. Expose it like any endpoint:
 *
 * <pre>{@code
 * management.endpoints.web.exposure.include=health,pq
 * }</pre>
 */
@AutoConfiguration(after = PqAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(Admin.class)
public class PqEndpointAutoConfiguration {
    @Bean
    @ConditionalOnMissingBean
    PqEndpoint pqEndpoint(Admin admin, Tasks tasks) {
        return new PqEndpoint(admin, tasks);
    }
}
