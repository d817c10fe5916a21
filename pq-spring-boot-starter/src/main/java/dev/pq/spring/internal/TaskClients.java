package dev.pq.spring.internal;

import dev.pq.spring.TaskClient;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import java.lang.reflect.Method;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;

/**
 * The client beans of {@code @Task} interfaces. A client and the interface's implementation are
 * beans of the same type; the client is not a default candidate (Spring 6.2's
 * {@code defaultCandidate = false}) and carries the {@link TaskClient} qualifier, so only
 * {@code @TaskClient Emails emails} gets it and a plain {@code Emails emails} the implementation.
 */
public final class TaskClients {
    /** The name prefix of client beans; they are never registered as implementations. */
    public static final String PREFIX = "pqTaskClient#";

    private TaskClients() {
    }

    /** True when {@code type} declares or inherits a {@code @Task} method. */
    public static boolean hasTasks(Class<?> type) {
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(Task.class)) {
                return true;
            }
        }
        return false;
    }

    /** True for a pq-tasks client proxy (what {@code Tasks.client} returns). */
    public static boolean isClient(Object bean) {
        return java.lang.reflect.Proxy.isProxyClass(bean.getClass()) && String.valueOf(bean).startsWith("TasksClient[");
    }

    /** Registers the client bean of {@code type} unless there is one. */
    public static void register(BeanDefinitionRegistry registry, Class<?> type) {
        if (!type.isInterface() || !hasTasks(type)) {
            throw new IllegalArgumentException(type.getName() + " is not an interface with @Task methods: it has no client");
        }
        String name = PREFIX + type.getName();
        if (registry.containsBeanDefinition(name)) {
            return;
        }
        BeanFactory factory = (BeanFactory) registry;
        RootBeanDefinition client = new RootBeanDefinition(type);
        client.setInstanceSupplier(() -> factory.getBean(Tasks.class).client(type));
        client.setDefaultCandidate(false);
        client.addQualifier(new AutowireCandidateQualifier(TaskClient.class));
        client.setLazyInit(true);
        registry.registerBeanDefinition(name, client);
    }
}
