package dev.pq;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pq.internal.JsonSerializer;
import dev.pq.internal.KryoSerializer;
import dev.pq.spi.Serializer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The serializers pq ships.
 *
 * <pre>{@code
 * Queue<Apple> json   = pq.queue("apples", Serializers.json(Apple.class));   // jsonb, readable in SQL
 * Queue<Apple> kryo   = pq.queue("apples/kryo", Serializers.kryo(Apple.class)); // any registered class
 * Queue<byte[]> raw   = pq.queue("blobs", Serializers.bytes());
 * Queue<String> text  = pq.queue("lines", Serializers.string());
 * }</pre>
 *
 * <p>JSON never enables Jackson's default typing: the target type is the one you name here, never
 * one a payload names. Kryo requires every class it writes or reads to be registered (pass them
 * here, in the same order in every process, since registration order assigns the wire ids);
 * {@link #kryoUnregistered(Class)} lifts that, at the price of letting a payload name any class on
 * the classpath for instantiation. Use it only when every writer of the table is trusted.
 */
public final class Serializers {
    private Serializers() {
    }

    /** JSON to and from plain Java values: maps, lists, strings, numbers, booleans and null. */
    public static Serializer<Object> json() {
        return json(Object.class);
    }

    /** JSON bound to a class, with pq's default mapper. */
    public static <T> Serializer<T> json(Class<T> type) {
        return json(JsonSerializer.defaultMapper(), type);
    }

    /** JSON bound to a generic type, e.g. {@code new TypeReference<List<Apple>>() {}}. */
    public static <T> Serializer<T> json(TypeReference<T> type) {
        ObjectMapper m = JsonSerializer.defaultMapper();
        return new JsonSerializer<>(m, m.getTypeFactory().constructType(Objects.requireNonNull(type, "type")));
    }

    /** JSON with the caller's own mapper (which must not have default typing enabled). */
    public static <T> Serializer<T> json(ObjectMapper mapper, Class<T> type) {
        Objects.requireNonNull(mapper, "mapper");
        return new JsonSerializer<>(mapper, mapper.getTypeFactory().constructType(Objects.requireNonNull(type, "type")));
    }

    /**
     * Kryo for {@code type}, registering it and {@code others} (in this order, which must be the
     * same in every process). Classes not registered are refused on write and on read.
     * Needs {@code com.esotericsoftware:kryo} on the classpath.
     */
    public static <T> Serializer<T> kryo(Class<T> type, Class<?>... others) {
        return new KryoSerializer<>(Objects.requireNonNull(type, "type"), List.of(others), true);
    }

    /**
     * Kryo that accepts unregistered classes, writing their names into the payload. Whoever can
     * write to the queue table can then make readers instantiate any class on their classpath:
     * use only when every writer is trusted.
     */
    public static <T> Serializer<T> kryoUnregistered(Class<T> type) {
        return new KryoSerializer<>(Objects.requireNonNull(type, "type"), List.of(), false);
    }

    /** Raw bytes, stored as they are in {@code bytea}. */
    public static Serializer<byte[]> bytes() {
        return Raw.BYTES;
    }

    /** Strings, stored as UTF-8 in {@code bytea}. */
    public static Serializer<String> string() {
        return Raw.STRING;
    }

    private static final class Raw {
        static final Serializer<byte[]> BYTES = new Serializer<>() {
            @Override
            public Format format() {
                return Format.BINARY;
            }

            @Override
            public String type() {
                return "byte[]";
            }

            @Override
            public byte[] encode(byte[] value) {
                return value;
            }

            @Override
            public byte[] decode(byte[] payload) {
                return payload;
            }
        };

        static final Serializer<String> STRING = new Serializer<>() {
            @Override
            public Format format() {
                return Format.BINARY;
            }

            @Override
            public String type() {
                return "String";
            }

            @Override
            public byte[] encode(String value) {
                return value.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(byte[] payload) {
                return new String(payload, StandardCharsets.UTF_8);
            }
        };
    }
}
