package dev.pq.tasks.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
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
                    mapper.writerFor(types.get(i)).writeValue(g, a);
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
            return mapper.writerFor(def.argTypes().get(0)).writeValueAsString(args);
        } catch (Exception e) {
            throw new SerializationException(queue, null, def.signature(), e);
        }
    }
}
