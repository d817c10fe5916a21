package dev.pq.spring.internal;

import dev.pq.tasks.JobHandler;
import dev.pq.tasks.Tasks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Finds the application's task beans: before any bean exists, every bean whose type implements
 * an interface with {@code @Task} methods (its client bean is registered then), declares
 * {@code @Task} methods itself, or is a {@link JobHandler}; once every singleton exists, registers
 * them on {@link Tasks}, before the worker starts.
 */
public final class TaskBeans implements BeanDefinitionRegistryPostProcessor, SmartInitializingSingleton, BeanFactoryAware {
    private static final Logger log = LoggerFactory.getLogger(TaskBeans.class);

    private final Map<String, Set<Class<?>>> taskTypes = new LinkedHashMap<>();
    private final List<String> jobHandlers = new ArrayList<>();
    private ConfigurableListableBeanFactory beanFactory;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
        if (!(registry instanceof ConfigurableListableBeanFactory factory)) {
            return;
        }
        for (String name : registry.getBeanDefinitionNames()) {
            BeanDefinition def = registry.getBeanDefinition(name);
            if (name.startsWith(TaskClients.PREFIX) || def.isAbstract() || def.getRole() == BeanDefinition.ROLE_INFRASTRUCTURE) {
                continue;
            }
            Class<?> type;
            try {
                type = factory.getType(name, false);
            } catch (RuntimeException | LinkageError e) {
                continue; // a type that cannot be predicted is not a task bean we can find
            }
            if (type == null) {
                continue;
            }
            Class<?> user = ClassUtils.getUserClass(type);
            Set<Class<?>> found = new LinkedHashSet<>();
            if (user.isInterface() ? TaskClients.hasTasks(user) : declaresTasks(user)) {
                found.add(user);
            }
            for (Class<?> i : ClassUtils.getAllInterfacesForClassAsSet(user)) {
                if (TaskClients.hasTasks(i)) {
                    found.add(i);
                }
            }
            if (!found.isEmpty()) {
                taskTypes.put(name, found);
                for (Class<?> i : found) {
                    if (i.isInterface()) {
                        TaskClients.register(registry, i);
                    }
                }
            }
            if (JobHandler.class.isAssignableFrom(user)) {
                jobHandlers.add(name);
            }
        }
    }

    private static boolean declaresTasks(Class<?> type) {
        for (java.lang.reflect.Method m : type.getDeclaredMethods()) {
            if (m.isAnnotationPresent(dev.pq.tasks.Task.class)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory factory) {
        // everything happens in postProcessBeanDefinitionRegistry and afterSingletonsInstantiated
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void afterSingletonsInstantiated() {
        Tasks tasks = beanFactory.getBeanProvider(Tasks.class).getIfUnique();
        if (tasks == null) {
            return;
        }
        for (Map.Entry<String, Set<Class<?>>> e : taskTypes.entrySet()) {
            Object bean = beanFactory.getBean(e.getKey());
            if (TaskClients.isClient(bean)) {
                continue; // a client made by hand (tasks.client(X.class) as a bean) is not an implementation
            }
            for (Class<?> type : e.getValue()) {
                tasks.register((Class) type, bean);
                log.info("registered @Task bean={} type={}", e.getKey(), type.getName());
            }
        }
        for (String name : jobHandlers) {
            Object bean = beanFactory.getBean(name);
            if (ClassUtils.getUserClass(bean) != bean.getClass()) {
                throw new IllegalStateException("job class bean " + name + " is a Spring proxy (" + bean.getClass().getName()
                        + "): pq finds job classes by their own class, so it cannot run a proxied one. Take the job's "
                        + "transaction from job.connection(), or move @Transactional work into a @Task interface bean");
            }
            tasks.register((JobHandler<?>) bean);
            log.info("registered job class bean={} type={}", name, ClassUtils.getUserClass(bean).getName());
        }
    }
}
