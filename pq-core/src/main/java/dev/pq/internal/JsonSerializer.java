package dev.pq.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pq.spi.Serializer;

/**
 * Jackson JSON, stored as {@code jsonb}. Default typing is never enabled: the payload's type is
 * the one the queue handle names, so a payload cannot choose which class gets instantiated.
 */
public final class JsonSerializer<T> implements Serializer<T> {
    private static final ObjectMapper DEFAULT = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final ObjectMapper mapper;
    private final JavaType type;

    public JsonSerializer(ObjectMapper mapper, JavaType type) {
        this.mapper = mapper;
        this.type = type;
    }

    /** The mapper pq uses when the caller gives none: JSR-310 times as ISO-8601 text. */
    public static ObjectMapper defaultMapper() {
        return DEFAULT;
    }

    @Override
    public Format format() {
        return Format.JSON;
    }

    @Override
    public String type() {
        return type.toString().replace("[simple type, class ", "").replace("]", "");
    }

    @Override
    public byte[] encode(T value) throws Exception {
        return mapper.writeValueAsBytes(value);
    }

    @Override
    public T decode(byte[] payload) throws Exception {
        return mapper.readValue(payload, type);
    }
}
