package dev.pq.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pq.PQ;
import dev.pq.internal.Internals;
import dev.pq.internal.When;
import dev.pq.tasks.internal.ArgsCodec;
import dev.pq.tasks.internal.Context;
import dev.pq.tasks.internal.Executor;
import dev.pq.tasks.internal.LockedJob;
import dev.pq.tasks.internal.Registry;
import dev.pq.tasks.internal.TaskDef;
import dev.pq.tasks.internal.TasksDb;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The tasks layer over a {@link PQ}: registers task implementations, gives callers clients that
 * enqueue, and enqueues Que-style job classes. Workers ({@link Worker}) run what it enqueues.
 *
 * <pre>{@code
 * public interface Orchard {
 *     @Task(queue = "apples", maxRetries = 2, retryIn = "10s")
 *     void eat(String kind);
 * }
 *
 * Tasks tasks = Tasks.create(pq);
 * Orchard orchard = tasks.client(Orchard.class);
 * orchard.eat("Cox");                            // enqueues; runs nothing here
 * long id = tasks.lastId();                      // the id of that job
 * tasks.client(Orchard.class, Enqueue.options().scheduleAt("1m").expectedAt("2m")).eat("Cox");
 *
 * tasks.register(Orchard.class, kind -> log.info("umm, {} apples taste good", kind));
 * try (Worker worker = Worker.builder(tasks).queues("apples").build().start()) { ... }
 * }</pre>
 *
 * <p>Arguments travel as a JSON array typed by the method's parameter types (a job class's
 * arguments as one JSON value of its {@code JobHandler<A>} type). A parameter of type
 * {@link JobContext} is not stored: the worker passes the running job's context.
 *
 * <p>In inline mode ({@link Builder#inline(boolean)}, for tests: Que's {@code run_synchronously},
 * Resque's {@code inline}) enqueueing runs the job at once in the caller's thread, after the same
 * JSON round trip, and its failure is thrown to the caller as {@link TaskFailedException}. A job
 * scheduled for the future (its {@code scheduleAt} after the tasks' clock) is stored instead, as
 * Que does, and its id returned; a worker (or the test) runs it when it is due.
 */
public final class Tasks {
    private final PQ pq;
    private final TasksDb db;
    private final ObjectMapper mapper;
    private final Registry registry;
    private final Clock clock;
    private final boolean inline;
    private final List<JobListener> listeners;
    private final Enqueuing enqueuing;

    private Tasks(Builder b) {
        this.pq = b.pq;
        this.db = new TasksDb(Internals.engine(b.pq));
        this.mapper = b.mapper;
        this.registry = new Registry(b.mapper);
        this.clock = b.clock;
        this.inline = b.inline;
        this.listeners = List.copyOf(b.listeners);
        this.enqueuing = new Enqueuing(pq, db, mapper, clock, inline, listeners,
                new Executor(registry, mapper, List.of(), listeners, "the job was not run"), b.ambient);
    }

    /** A tasks layer with default settings. */
    public static Tasks create(PQ pq) {
        return builder(pq).build();
    }

    /** A builder for the other settings. */
    public static Builder builder(PQ pq) {
        return new Builder(pq);
    }

    /** The PQ this layer enqueues into. */
    public PQ pq() {
        return pq;
    }

    /** The clock retries are scheduled by. */
    public Clock clock() {
        return clock;
    }

    /** True in inline mode. */
    public boolean inline() {
        return inline;
    }

    /** The names of the tasks registered to run in this process. */
    public java.util.Set<String> taskNames() {
        return registry.names();
    }

    /** Registers the implementation of every {@code @Task} method of {@code type}, to be run by workers. */
    public <T> Tasks register(Class<T> type, T implementation) {
        registry.register(type, implementation);
        return this;
    }

    /** Registers a job class handler, to be run by workers. */
    public Tasks register(JobHandler<?> handler) {
        registry.register(handler);
        return this;
    }

    /** A client of {@code type}'s {@code @Task} methods: each call enqueues a job. */
    public <T> T client(Class<T> type) {
        return client(type, Enqueue.options());
    }

    /**
     * A client whose calls enqueue with {@code options} overriding the tasks' defaults. A method
     * declared to return {@code long} (or {@code Long}) returns the job id; {@link #lastId()}
     * gives it for void methods.
     */
    public <T> T client(Class<T> type, Enqueue options) {
        Objects.requireNonNull(options, "options");
        return proxy(type, (def, args) -> {
            String queue = queueOf(def, options);
            return enqueuing.one(new Enqueuing.Call(def, queue, ArgsCodec.methodArgs(mapper, def, queue, args), options));
        });
    }

    /** Makes a client of {@code type} whose task calls go to {@code sink}. */
    <T> T proxy(Class<T> type, java.util.function.BiFunction<TaskDef, Object[], Enqueued> sink) {
        Objects.requireNonNull(type, "type");
        if (!type.isInterface()) {
            throw new IllegalArgumentException(type.getName() + " is a class: clients are made of interfaces; "
                    + "enqueue a class's tasks with tasks.enqueue(\"Name.method\", args...)");
        }
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(Task.class) && !returnsIdOrVoid(m)) {
                throw new IllegalArgumentException("@Task method " + m + " must return void, long, Long or Enqueued");
            }
        }
        registry.method(firstTask(type)); // reads (and so validates) the definitions now
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return switch (m.getName()) {
                    case "toString" -> "TasksClient[" + type.getName() + "]";
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                };
            }
            if (!m.isAnnotationPresent(Task.class)) {
                throw new UnsupportedOperationException(m + " is not a @Task method: a client only enqueues");
            }
            Enqueued e = sink.apply(registry.method(m), args);
            Class<?> r = m.getReturnType();
            return r == void.class ? null : r == Enqueued.class ? e : (Object) e.id();
        });
        return type.cast(proxy);
    }

    private static Method firstTask(Class<?> type) {
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(Task.class)) {
                return m;
            }
        }
        throw new IllegalArgumentException(type.getName() + " has no @Task methods");
    }

    private static boolean returnsIdOrVoid(Method m) {
        Class<?> r = m.getReturnType();
        return r == void.class || r == long.class || r == Long.class || r == Enqueued.class;
    }

    /** Enqueues a job of a job class with its default options; returns the job id. */
    public <A> long enqueue(Class<? extends JobHandler<A>> jobClass, A args) {
        return enqueue(jobClass, args, Enqueue.options());
    }

    /** Enqueues a job of a job class with options; returns the job id (0 when run inline). */
    public <A> long enqueue(Class<? extends JobHandler<A>> jobClass, A args, Enqueue options) {
        Objects.requireNonNull(jobClass, "jobClass");
        Objects.requireNonNull(options, "options");
        return call(jobClass, args, options).id();
    }

    /**
     * Enqueues a job of a job class, saying whether a unique key made it a duplicate of an existing
     * job (see {@link Unique}, {@link Enqueue#uniqueKey(String)}).
     */
    public <A> Enqueued submit(Class<? extends JobHandler<A>> jobClass, A args, Enqueue options) {
        return call(jobClass, args, options);
    }

    private <A> Enqueued call(Class<? extends JobHandler<A>> jobClass, A args, Enqueue options) {
        Objects.requireNonNull(jobClass, "jobClass");
        Objects.requireNonNull(options, "options");
        TaskDef def = registry.jobClass(jobClass);
        String queue = queueOf(def, options);
        return enqueuing.one(new Enqueuing.Call(def, queue, ArgsCodec.jobArgs(mapper, def, queue, args), options));
    }

    /**
     * Enqueues many jobs of a job class in one statement (Que's {@code bulk_enqueue}), in their
     * order, with {@code options} for each; in the caller's transaction when the options give a
     * connection ({@link Enqueue#in}). {@link #bulk()} mixes tasks and options per job.
     */
    public <A> List<Enqueued> enqueueAll(Class<? extends JobHandler<A>> jobClass, List<? extends A> args, Enqueue options) {
        Objects.requireNonNull(options, "options");
        Bulk bulk = bulk();
        Enqueue each = options.withoutConnection();
        for (A a : args) {
            bulk.add(jobClass, a, each);
        }
        return options.connection() == null ? bulk.enqueue() : bulk.enqueue(options.connection());
    }

    /** A bulk enqueue: jobs added one by one, written in one statement by {@link Bulk#enqueue()}. */
    public Bulk bulk() {
        return new Bulk(this);
    }

    /**
     * Enqueues a registered task by name with positional arguments: for {@code @Task} methods of
     * classes (which cannot have clients), or for names only known at run time (a schedule file).
     * A method gets exactly as many arguments as it has parameters (its {@code JobContext} aside);
     * a job class gets the one value given, or the list of them when several are. Values that are
     * not of a parameter's type (a map for a record, text for an {@code Instant}) are converted to it.
     *
     * @throws IllegalArgumentException if the arguments do not fit the task, saying how
     */
    public long enqueue(String taskName, Enqueue options, Object... args) {
        Objects.requireNonNull(options, "options");
        return enqueuing.one(named(taskName, options, args)).id();
    }

    /** The call of a task by name, resolved (for {@link Bulk}). */
    Enqueuing.Call named(String taskName, Enqueue options, Object... args) {
        TaskDef def = known(taskName);
        String queue = queueOf(def, options);
        return new Enqueuing.Call(def, queue, ArgsCodec.converted(mapper, def, queue, args), options);
    }

    /** The call of a job class, resolved (for {@link Bulk}). */
    <A> Enqueuing.Call jobCall(Class<? extends JobHandler<A>> jobClass, A args, Enqueue options) {
        TaskDef def = registry.jobClass(Objects.requireNonNull(jobClass, "jobClass"));
        String queue = queueOf(def, Objects.requireNonNull(options, "options"));
        return new Enqueuing.Call(def, queue, ArgsCodec.jobArgs(mapper, def, queue, args), options);
    }

    /** The call of an interface task method, resolved (for {@link Bulk}). */
    Enqueuing.Call methodCall(TaskDef def, Object[] args, Enqueue options) {
        String queue = queueOf(def, options);
        return new Enqueuing.Call(def, queue, ArgsCodec.methodArgs(mapper, def, queue, args), options);
    }

    Enqueuing enqueuing() {
        return enqueuing;
    }

    /**
     * Checks that {@code args} fit the registered task {@code taskName} as {@link #enqueue(String,
     * Enqueue, Object...)} would send them (their number, and each converted to its parameter's
     * type), without enqueueing anything: for validating configuration such as a schedule.
     *
     * @throws TaskNotFoundException if no such task is registered
     * @throws IllegalArgumentException if the arguments do not fit, saying how
     */
    public void checkArgs(String taskName, Object... args) {
        TaskDef def = known(taskName);
        ArgsCodec.converted(mapper, def, def.queue(), args);
    }

    private TaskDef known(String taskName) {
        Objects.requireNonNull(taskName, "taskName");
        Registry.Registered r = registry.find(taskName);
        if (r == null) {
            throw new TaskNotFoundException(taskName, "register it first (known: " + registry.names() + ")");
        }
        return r.def();
    }

    /**
     * The id of the last job the calling thread enqueued through this {@code Tasks} (its clients and
     * {@code enqueue}), or -1.
     * For void {@code @Task} methods.
     */
    public long lastId() {
        Enqueued e = enqueuing.last();
        return e == null ? -1 : e.id();
    }

    /**
     * The last enqueue of the calling thread through this {@code Tasks}, with whether it was a
     * duplicate of an existing job; null if none.
     */
    public Enqueued lastEnqueued() {
        return enqueuing.last();
    }

    /** Inspection and repair of jobs, failures and workers. */
    public Admin admin() {
        return new Admin(db, mapper);
    }

    private static String queueOf(TaskDef def, Enqueue options) {
        return options.queue() != null ? options.queue() : def.queue();
    }

    TasksDb db() {
        return db;
    }

    Registry registry() {
        return registry;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    List<JobListener> listeners() {
        return listeners;
    }

    /**
     * Settings of a {@link Tasks}.
     *
     * <pre>{@code
     * Tasks tasks = Tasks.builder(pq).inline(true).clock(testClock).listener(audit).build();
     * }</pre>
     */
    public static final class Builder {
        private final PQ pq;
        private ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        private Clock clock = Clock.systemUTC();
        private boolean inline;
        private final List<JobListener> listeners = new ArrayList<>();
        private dev.pq.tasks.spi.AmbientTransaction ambient = dev.pq.tasks.spi.AmbientTransaction.NONE;

        private Builder(PQ pq) {
            this.pq = Objects.requireNonNull(pq, "pq");
        }

        /** The mapper for arguments (default: Jackson with JSR-310 times; never enable default typing). */
        public Builder mapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /** The clock retries are scheduled by (default: system UTC); tests move it instead of sleeping. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Run jobs in the enqueuing thread instead of storing them (tests). */
        public Builder inline(boolean inline) {
            this.inline = inline;
            return this;
        }

        /** Adds a listener for enqueue and perform events. */
        public Builder listener(JobListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Where an enqueue without {@link Enqueue#in} finds the caller's transaction (default: none). */
        public Builder ambientTransaction(dev.pq.tasks.spi.AmbientTransaction ambient) {
            this.ambient = Objects.requireNonNull(ambient, "ambient");
            return this;
        }

        /** Creates the tasks layer. */
        public Tasks build() {
            if (pq.isClosed()) {
                throw new dev.pq.PQClosedException(pq.toString());
            }
            return new Tasks(this);
        }
    }
}
