package dev.pq.internal;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import dev.pq.spi.Serializer;
import java.util.List;

/**
 * Kryo: any Java object graph, the analogue of pq's pickle queues. Kryo instances are not
 * thread-safe, so each encode/decode borrows one from a pool. Registration is required unless
 * the caller opted out: an unregistered class name in a payload would otherwise let whoever can
 * write to the table make this JVM instantiate arbitrary classes.
 */
public final class KryoSerializer<T> implements Serializer<T> {
    private final Class<T> type;
    private final Pool<Kryo> pool;

    public KryoSerializer(Class<T> type, List<Class<?>> registered, boolean requireRegistration) {
        this.type = type;
        this.pool = new Pool<>(true, false, 64) {
            @Override
            protected Kryo create() {
                Kryo kryo = new Kryo();
                kryo.setRegistrationRequired(requireRegistration);
                kryo.setReferences(true);
                kryo.register(type);
                for (Class<?> c : registered) {
                    kryo.register(c);
                }
                return kryo;
            }
        };
    }

    @Override
    public Format format() {
        return Format.BINARY;
    }

    @Override
    public String type() {
        return type.getName() + " (kryo)";
    }

    @Override
    public byte[] encode(T value) {
        Kryo kryo = pool.obtain();
        try (Output out = new Output(256, -1)) {
            kryo.writeClassAndObject(out, value);
            return out.toBytes();
        } finally {
            pool.free(kryo);
        }
    }

    @Override
    public T decode(byte[] payload) {
        Kryo kryo = pool.obtain();
        try (Input in = new Input(payload)) {
            Object o = kryo.readClassAndObject(in);
            if (o != null && !type.isInstance(o)) {
                throw new IllegalArgumentException("payload is a " + o.getClass().getName() + ", not a " + type.getName());
            }
            return type.cast(o);
        } finally {
            pool.free(kryo);
        }
    }
}
