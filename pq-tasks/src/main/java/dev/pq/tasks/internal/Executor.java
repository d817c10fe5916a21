package dev.pq.tasks.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pq.SerializationException;
import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.JobListener;
import dev.pq.tasks.Middleware;
import dev.pq.tasks.TaskNotFoundException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs one job: finds its task, decodes its arguments, and calls the implementation inside the
 * middleware chain, with the before/after-perform listeners. Shared by workers and inline mode.
 */
public final class Executor {
    private final Registry registry;
    private final ObjectMapper mapper;
    private final List<Middleware> middleware;
    private final List<JobListener> listeners;
    private final String decodeFate;

    /**
     * @param decodeFate what becomes of a job whose payload cannot be decoded, for the message
     *                   ("the job was marked failed", "the job was not run")
     */
    public Executor(Registry registry, ObjectMapper mapper, List<Middleware> middleware, List<JobListener> listeners,
                    String decodeFate) {
        this.decodeFate = decodeFate;
        this.registry = registry;
        this.mapper = mapper;
        this.middleware = List.copyOf(middleware);
        this.listeners = List.copyOf(listeners);
    }

    /** Thrown for failures that retrying cannot fix: unknown task, undecodable payload. */
    public static final class Permanent extends Exception {
        private static final long serialVersionUID = 1L;

        Permanent(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The names of the registered tasks. */
    public java.util.Set<String> names() {
        return registry.names();
    }

    /** The job's task as registered here, or null if unknown (looked up once per run). */
    public Registry.Registered find(LockedJob job) {
        return job.task() == null ? null : registry.find(job.task());
    }

    /** Runs the job; throws what the handler threw, or {@link Permanent}. */
    public void run(Context ctx) throws Exception {
        run(ctx, find(ctx.job()));
    }

    /** Runs the job whose task {@link #find} resolved to {@code r} (null: unknown). */
    public void run(Context ctx, Registry.Registered r) throws Exception {
        LockedJob job = ctx.job();
        if (r == null) {
            if (job.task() == null) {
                throw new Permanent(new TaskNotFoundException("(none)",
                        "the job has no task name (was it put with pq-core's put?)"));
            }
            // not permanent: a newer worker may know it (a rolling deploy)
            throw new TaskNotFoundException(job.task(),
                    "no implementation is registered in this process (known: " + registry.names() + ")");
        }
        Object[] args;
        try {
            args = decode(r.def(), job, ctx);
        } catch (Exception e) {
            throw new Permanent(new SerializationException(job.queue(), job.id(), r.def().signature(), decodeFate, e));
        }
        runChain(0, ctx, () -> {
            ctx.starting();
            invoke(r, args, ctx);
        });
    }

    private void runChain(int i, JobContext ctx, Middleware.Chain last) throws Exception {
        if (i == middleware.size()) {
            for (JobListener l : listeners) {
                l.beforePerform(ctx);
            }
            last.proceed();
            for (JobListener l : listeners) {
                try {
                    l.afterPerform(ctx);
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(Executor.class).warn("afterPerform listener failed job={}", ctx.id(), e);
                }
            }
            return;
        }
        middleware.get(i).around(ctx, () -> runChain(i + 1, ctx, last));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void invoke(Registry.Registered r, Object[] args, Context ctx) throws Exception {
        if (r.def().jobClass()) {
            ((JobHandler) r.target()).run(args[0], ctx);
            return;
        }
        Method m = r.def().method();
        try {
            m.invoke(r.target(), args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }

    private Object[] decode(TaskDef def, LockedJob job, Context ctx) throws Exception {
        String json = job.json() != null ? job.json()
                : job.bytes() != null ? new String(job.bytes(), StandardCharsets.UTF_8) : "null";
        List<JavaType> types = def.argTypes();
        if (def.jobClass()) {
            return new Object[] {mapper.readValue(json, types.get(0))};
        }
        // Each element is read from the text by its parameter's type: going through a tree would
        // read decimals as doubles (a BigDecimal 1.10 became 1.1, long fractions lost precision).
        Object[] args = new Object[types.size()];
        try (JsonParser p = mapper.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("arguments must be a JSON array: " + abbreviate(json));
            }
            for (int i = 0; i < types.size(); i++) {
                if (types.get(i).getRawClass() == JobContext.class) {
                    args[i] = ctx;
                    continue;
                }
                if (p.nextToken() == JsonToken.END_ARRAY) {
                    throw wrongCount(types, json);
                }
                args[i] = mapper.readerFor(types.get(i)).readValue(p);
            }
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw wrongCount(types, json);
            }
        }
        return args;
    }

    private IllegalArgumentException wrongCount(List<JavaType> types, String json) {
        int got;
        try {
            got = mapper.readTree(json).size();
        } catch (Exception e) {
            got = -1;
        }
        return new IllegalArgumentException("expected " + ArgsCodec.serialized(types) + " arguments, got " + got + ": "
                + abbreviate(json));
    }


    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
