package dev.pq.spi;

/**
 * Turns payloads into stored bytes and back. pq ships four (see {@code dev.pq.Serializers}):
 * Jackson JSON, Kryo, raw {@code byte[]} and {@code String}; implement this interface for others.
 *
 * <p>A {@link Format#JSON} serializer must produce UTF-8 JSON text; pq stores it in the
 * {@code jsonb} column so SQL can read it. A {@link Format#BINARY} serializer's bytes go to the
 * {@code bytea} column untouched. Implementations must be thread-safe.
 *
 * <pre>{@code
 * final class UpperCase implements Serializer<String> {
 *     public Format format() { return Format.BINARY; }
 *     public String type() { return "String (upper case)"; }
 *     public byte[] encode(String s) { return s.toUpperCase().getBytes(StandardCharsets.UTF_8); }
 *     public String decode(byte[] b) { return new String(b, StandardCharsets.UTF_8); }
 * }
 * Queue<String> q = pq.queue("shouting", new UpperCase());
 * }</pre>
 *
 * @param <T> the payload type
 */
public interface Serializer<T> {

    /** Where the encoded bytes are stored. */
    enum Format {
        /** UTF-8 JSON text, stored as {@code jsonb}. */
        JSON,
        /** Opaque bytes, stored as {@code bytea}. */
        BINARY
    }

    /** The storage format of {@link #encode}'s output. */
    Format format();

    /** A readable name of the payload type, used in error messages. */
    String type();

    /**
     * Encodes a non-null value.
     *
     * @throws Exception any failure; pq wraps it in a {@code SerializationException} and writes nothing
     */
    byte[] encode(T value) throws Exception;

    /**
     * Decodes stored bytes.
     *
     * @throws Exception any failure; pq wraps it in a {@code SerializationException} naming the job
     */
    T decode(byte[] payload) throws Exception;
}
