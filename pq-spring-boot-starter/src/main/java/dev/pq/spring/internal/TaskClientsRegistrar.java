package dev.pq.spring.internal;

import dev.pq.spring.EnableTaskClients;
import java.util.Map;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/** Registers the clients {@link EnableTaskClients} lists. */
public final class TaskClientsRegistrar implements ImportBeanDefinitionRegistrar {
    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        Map<String, Object> attrs = metadata.getAnnotationAttributes(EnableTaskClients.class.getName(), false);
        if (attrs == null) {
            return;
        }
        for (Class<?> type : (Class<?>[]) attrs.get("value")) {
            TaskClients.register(registry, type);
        }
    }
}
