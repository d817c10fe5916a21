package dev.pq.tasks.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.ClassUtil;
import dev.pq.SerializationException;
import dev.pq.tasks.JobContext;
import java.io.StringWriter;
import java.util.List;

/** Encodes task arguments as JSON, each typed by its declared parameter type. */
public final class ArgsCodec {
    private ArgsCodec() {
    }

    /** How many parameters are serialized (JobContext parameters are injected, not stored). */
    static int serialized(List<JavaType> types) {
        return (int) types.stream().filter(t -> t.getRawClass() != JobContext.class).count();
    }

    /** The JSON array of a method call's arguments. */
    public static String methodArgs(ObjectMapper mapper, TaskDef def, String queue, Object[] args) {
        // Each argument is written by its declared parameter type, straight to text: a tree
        // (valueToTree) would use the runtime type and normalize BigDecimals (1.10 became 1.1).
        try {
            StringWriter out = new StringWriter();
            List<JavaType> types = def.argTypes();
            try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
                g.writeStartArray();
                for (int i = 0; i < types.size(); i++) {
                    if (types.get(i).getRawClass() == JobContext.class) {
                        continue;
                    }
                    Object a = args == null ? null : args[i];
                    def.writers().get(i).writeValue(g, a);
                }
                g.writeEndArray();
            }
            return out.toString();
        } catch (Exception e) {
            throw new SerializationException(queue, null, def.signature(), e);
        }
    }

    /** The JSON of a job class's arguments. */
    public static String jobArgs(ObjectMapper mapper, TaskDef def, String queue, Object args) {
        try {
            return def.writers().get(0).writeValueAsString(args);
        } catch (Exception e) {
            throw new SerializationException(queue, null, def.signature(), e);
        }
    }

    /**
     * The JSON of {@code args} given by name (a task known only at run time, a schedule file): their
     * number checked against a method's parameters (a job class's one argument is the value given,
     * or the list of them when several are), and values that are not of a parameter's type (a map
     * for a record, a string for an Instant) converted to it first.
     */
    public static String converted(ObjectMapper mapper, TaskDef def, String queue, Object[] args) {
        Object[] given = args == null ? new Object[0] : args;
        List<JavaType> types = def.argTypes();
        if (def.jobClass()) {
            // a job class takes one argument: one value is it; several are one list (its type must take a list)
            Object one = given.length == 0 ? null : given.length == 1 ? given[0] : java.util.Arrays.asList(given);
            return jobArgs(mapper, def, queue, convert(mapper, def, types.get(0), one));
        }
        int stored = serialized(types);
        if (given.length != stored) {
            throw new IllegalArgumentException("task " + def.signature() + " takes " + stored + " argument"
                    + (stored == 1 ? "" : "s") + ", got " + given.length);
        }
        Object[] full = new Object[types.size()];
        for (int i = 0, j = 0; i < types.size(); i++) {
            if (types.get(i).getRawClass() != JobContext.class) {
                full[i] = convert(mapper, def, types.get(i), given[j++]);
            }
        }
        return methodArgs(mapper, def, queue, full);
    }

    private static Object convert(ObjectMapper mapper, TaskDef def, JavaType type, Object value) {
        if (value == null || type.getRawClass().isInstance(value)
                || (type.isPrimitive() && ClassUtil.wrapperType(type.getRawClass()).isInstance(value))) {
            return value;
        }
        try {
            return mapper.convertValue(value, type);
        } catch (IllegalArgumentException e) {
            String v = String.valueOf(value);
            throw new IllegalArgumentException("task " + def.signature() + ": " + (v.length() <= 100 ? v
                    : v.substring(0, 100) + "...") + " is not a " + type.toCanonical() + ": " + e.getMessage(), e);
        }
    }
}
