package dev.pq.tasks.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.pq.tasks.JobContext;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Keys derived from a job's arguments: its unique key (the task name and the canonical JSON of
 * all, or some, of its arguments) and its group. Argument names are resolved once, when the task
 * is registered, to positions of a method's stored arguments or properties of a job class's one.
 */
public final class Keys {
    /** Keys longer than this are kept as the task name and a SHA-256 of the arguments. */
    static final int MAX_PLAIN = 200;

    private Keys() {
    }

    /**
     * The arguments {@code names} select, for {@code what} (an annotation attribute, for messages):
     * positions among a method's stored arguments (its {@link JobContext} aside), or the property
     * names of a job class's argument type, each checked to exist.
     */
    static List<Object> select(ObjectMapper mapper, String task, Method m, List<JavaType> types, String[] names,
                               String what) {
        List<Object> out = new ArrayList<>();
        if (names.length == 0) {
            return out;
        }
        List<String> known = new ArrayList<>();
        if (m != null) {
            Parameter[] params = m.getParameters();
            for (int i = 0; i < params.length; i++) {
                if (types.get(i).getRawClass() != JobContext.class) {
                    if (!params[i].isNamePresent()) {
                        throw new IllegalArgumentException("task " + task + ": " + what + " names parameters, but "
                                + m.getDeclaringClass().getName() + " was compiled without -parameters: compile it with "
                                + "javac -parameters (Maven: <parameters>true</parameters>), or name no arguments to use all");
                    }
                    known.add(params[i].getName());
                }
            }
        } else {
            for (BeanPropertyDefinition p : mapper.getSerializationConfig().introspect(types.get(0)).findProperties()) {
                known.add(p.getName());
            }
        }
        for (String n : names) {
            int at = known.indexOf(n);
            if (at < 0) {
                throw new IllegalArgumentException("task " + task + ": " + what + " names \"" + n
                        + "\", which is not one of its arguments " + known);
            }
            out.add(m != null ? (Object) at : n);
        }
        return out;
    }

    /** The unique key of a job of {@code task} whose stored arguments are {@code json}. */
    public static String unique(ObjectMapper mapper, String task, List<Object> by, String json) {
        try {
            JsonNode args = mapper.readTree(json);
            JsonNode picked = args;
            if (!by.isEmpty()) {
                ArrayNode a = mapper.createArrayNode();
                for (Object k : by) {
                    JsonNode v = k instanceof Integer i ? args.get(i) : args.get((String) k);
                    a.add(v == null ? mapper.nullNode() : v);
                }
                picked = a;
            }
            // canonical: object keys sorted, so {"a":1,"b":2} and {"b":2,"a":1} are one key
            Object plain = mapper.treeToValue(picked, Object.class);
            String canon = mapper.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(plain);
            String key = task + ":" + canon;
            return key.length() <= MAX_PLAIN ? key : task + ":sha256:" + sha256(canon);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("task " + task + ": cannot read its arguments for a unique key: " + e, e);
        }
    }

    /** The group of a job: the text of the selected argument (JSON for a non-text value), or null. */
    public static String group(ObjectMapper mapper, String task, Object at, String json) {
        try {
            JsonNode args = mapper.readTree(json);
            JsonNode v = at instanceof Integer i ? args.get(i) : args.get((String) at);
            if (v == null || v.isNull()) {
                return null;
            }
            String g = v.isTextual() ? v.asText() : mapper.writeValueAsString(v);
            return g.length() <= MAX_PLAIN ? g : "sha256:" + sha256(g);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("task " + task + ": cannot read its arguments for its group: " + e, e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
