package dev.pq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.pq.spi.Serializer;
import dev.pq.testing.PgTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** JSON (jsonb), Kryo (registered classes only, unless opted out), bytes, strings; decode failures. */
class SerializersTest extends PgTest {

    record Apple(String kind, int weight, Instant picked, List<String> tags) {
    }

    /** A plain bean, as many applications have. */
    public static final class Pear {
        private String kind;
        private double weight;

        public Pear() {
        }

        Pear(String kind, double weight) {
            this.kind = kind;
            this.weight = weight;
        }

        public String getKind() {
            return kind;
        }

        public void setKind(String kind) {
            this.kind = kind;
        }

        public double getWeight() {
            return weight;
        }

        public void setWeight(double weight) {
            this.weight = weight;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pear p && Objects.equals(p.kind, kind) && p.weight == weight;
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, weight);
        }
    }

    /** Not registered with any Kryo serializer in these tests. */
    public static final class Plum {
        public String kind = "Victoria";
    }

    // ---- JSON -----------------------------------------------------------------------------------

    @Test
    void json_isStoredAsJsonb_readableBySql() {
        long id = pq.queue("apples").put(Map.of("kind", "Cox", "weight", 120, "tags", List.of("red", "sweet")));
        Map<String, Object> row = queryRow("SELECT pg_typeof(data)::text AS type, data->>'kind' AS kind, "
                + "(data->>'weight')::int AS weight, data->'tags'->>1 AS tag, bytes FROM " + table() + " WHERE id = ?", id);
        assertEquals("jsonb", row.get("type"));
        assertEquals("Cox", row.get("kind"));
        assertEquals(120, row.get("weight"));
        assertEquals("sweet", row.get("tag"));
        assertNull(row.get("bytes"));
    }

    @Test
    void json_plainValues_roundTrip() {
        Queue<Object> q = pq.queue("values");
        List<Object> values = List.of("text …æøå!", 42, 3.5, true, List.of(1, "two", Map.of("three", 3)),
                Map.of("nested", Map.of("deeper", List.of()), "null-free", "yes"));
        for (Object v : values) {
            q.put(v);
        }
        for (Object v : values) {
            assertEquals(v, q.poll().orElseThrow().data());
        }
    }

    @Test
    void json_typedRecord_roundTrips_andTimesAreIsoText() {
        Queue<Apple> q = pq.queue("apples", Apple.class);
        Apple apple = new Apple("Cox", 120, Instant.parse("2026-11-21T16:22:06.5Z"), List.of("red", "sweet"));
        long id = q.put(apple);
        assertEquals("2026-11-21T16:22:06.500Z", queryOne("SELECT data->>'picked' FROM " + table() + " WHERE id = ?", id));
        Job<Apple> job = q.poll().orElseThrow();
        assertEquals(apple, job.data());
    }

    @Test
    void json_typedBean_andGenericType_roundTrip() {
        Queue<Pear> pears = pq.queue("pears", Pear.class);
        pears.put(new Pear("Conference", 180.5));
        assertEquals(new Pear("Conference", 180.5), pears.poll().orElseThrow().data());

        Queue<List<Apple>> baskets = pq.queue("baskets", Serializers.json(new TypeReference<List<Apple>>() {
        }));
        List<Apple> basket = List.of(new Apple("Cox", 1, null, List.of()), new Apple("Gala", 2, null, List.of("x")));
        baskets.put(basket);
        List<Apple> back = baskets.poll().orElseThrow().data();
        assertEquals(basket, back);
        assertInstanceOf(Apple.class, back.get(0), "elements are bound to the element type");
    }

    @Test
    void json_neverLetsThePayloadChooseAClass() {
        Queue<Object> q = pq.queue("untrusted");
        q.put(Map.of("@class", "java.lang.ProcessBuilder", "command", List.of("true")));
        q.put(List.of("java.lang.ProcessBuilder", Map.of("command", List.of("true"))));
        assertInstanceOf(Map.class, q.poll().orElseThrow().data());
        assertInstanceOf(List.class, q.poll().orElseThrow().data());
    }

    // ---- Kryo -----------------------------------------------------------------------------------

    @Test
    void kryo_registeredClass_roundTrips_asBinary() {
        Queue<Pear> q = pq.queue("pears", Serializers.kryo(Pear.class));
        long id = q.put(new Pear("Comice", 210.25));
        Map<String, Object> row = storedRow(id);
        assertNull(row.get("data"));
        assertNotNull(row.get("bytes"));
        assertEquals(new Pear("Comice", 210.25), q.poll().orElseThrow().data());
    }

    @Test
    void kryo_pqPicklePort_mapWithTimeAndUnicode_roundTrips() {
        // pq's test_put_and_get_pickle: {'time': dt, 'text': '…æøå!'}
        Queue<HashMap> q = pq.queue("test/pickle", Serializers.kryo(HashMap.class, LocalDateTime.class));
        LocalDateTime dt = LocalDateTime.now().truncatedTo(ChronoUnit.MICROS);
        HashMap<String, Object> data = new HashMap<>(Map.of("time", dt, "text", "…æøå!"));
        q.put(data);
        assertEquals(data, q.poll().orElseThrow().data());
    }

    @Test
    void kryo_refusesAnUnregisteredClass_onPut_andWritesNothing() {
        Queue<Object> q = pq.queue("fruit", Serializers.kryo(Object.class, Pear.class));
        q.put(new Pear("Conference", 1));
        SerializationException e = assertThrows(SerializationException.class, () -> q.put(new Plum()));
        assertEquals("fruit", e.queue());
        assertNull(e.jobId());
        assertTrue(e.type().contains("java.lang.Object"), e.type());
        assertTrue(e.getMessage().contains("\"fruit\""), e.getMessage());
        assertTrue(e.getMessage().contains(Plum.class.getName()), "names the refused class: " + e.getMessage());
        assertNotNull(e.getCause());
        assertEquals(1, rowCount(), "nothing written for the refused job");
    }

    @Test
    void kryo_refusesAnUnregisteredClass_onRead_andLeavesTheRow() {
        long id = pq.queue("fruit", Serializers.kryoUnregistered(Object.class)).put(new Plum());
        Map<String, Object> before = storedRow(id);
        Queue<Object> strict = pq.queue("fruit", Serializers.kryo(Object.class, Pear.class));
        SerializationException e = assertThrows(SerializationException.class, strict::poll);
        assertEquals(id, e.jobId());
        assertEquals(before, storedRow(id), "the row is left as it was");
    }

    @Test
    void kryoUnregistered_roundTripsAnyClass() {
        Queue<Object> q = pq.queue("anything", Serializers.kryoUnregistered(Object.class));
        q.put(new Plum());
        q.put(new ArrayList<>(List.of(new Pear("a", 1), new Pear("b", 2))));
        Object plum = q.poll().orElseThrow().data();
        assertInstanceOf(Plum.class, plum);
        assertEquals("Victoria", ((Plum) plum).kind);
        assertEquals(List.of(new Pear("a", 1), new Pear("b", 2)), q.poll().orElseThrow().data());
    }

    // ---- bytes and strings -------------------------------------------------------------------

    @Test
    void bytes_roundTripEveryByteValue_storedAsBytea() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        Queue<byte[]> q = pq.queue("blobs", Serializers.bytes());
        long id = q.put(all);
        assertEquals(HexFormat.of().formatHex(all), storedRow(id).get("bytes"));
        Job<byte[]> job = q.poll().orElseThrow();
        assertArrayEquals(all, job.data());
        assertEquals(256, job.size());
    }

    @Test
    void string_roundTrips_asUtf8Bytes() {
        Queue<String> q = pq.queue("lines", Serializers.string());
        String text = "…æøå! 🍎 \u0000 nul and all";
        long id = q.put(text);
        assertEquals(HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8)), storedRow(id).get("bytes"));
        assertEquals(text, q.poll().orElseThrow().data());
    }

    @Test
    void builderSerializer_isTheDefaultOfPlainQueues() {
        try (PQ strings = builder().poolSize(2).serializer(Serializers.string()).build()) {
            @SuppressWarnings("unchecked")
            Queue<Object> q = strings.queue("lines");
            long id = q.put("plain text, not JSON");
            assertNull(storedRow(id).get("data"));
            assertEquals("plain text, not JSON", q.poll().orElseThrow().data());
        }
    }

    @Test
    void customSerializer_isUsed_andItsEncodeFailureWritesNothing() {
        Serializer<String> shouting = new Serializer<>() {
            @Override
            public Format format() {
                return Format.BINARY;
            }

            @Override
            public String type() {
                return "String (upper case)";
            }

            @Override
            public byte[] encode(String value) {
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("nothing to shout");
                }
                return value.toUpperCase().getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(byte[] payload) {
                return new String(payload, StandardCharsets.UTF_8);
            }
        };
        Queue<String> q = pq.queue("shouting", shouting);
        q.put("hello");
        assertEquals("HELLO", q.poll().orElseThrow().data());
        SerializationException e = assertThrows(SerializationException.class, () -> q.put(""));
        assertEquals("String (upper case)", e.type());
        assertTrue(e.getMessage().contains("nothing to shout"), e.getMessage());
        assertEquals(0, rowCount());
    }

    // ---- payloads that cannot be decoded ----------------------------------------------------

    @Test
    void undecodablePayload_throwsNamingQueueJobAndType_andLeavesTheRowExactly() {
        Instant schedule = Instant.parse("2020-01-01T00:00:00.123456Z");
        Instant expected = Instant.parse("2030-01-01T00:00:00Z");
        long id = pq.queue("apples", Serializers.string()).put("this is not JSON", schedule, expected);
        long behind = pq.queue("apples", Serializers.string()).put("next");
        Map<String, Object> before = storedRow(id);

        Queue<Apple> typed = pq.queue("apples", Apple.class);
        SerializationException e = assertThrows(SerializationException.class, typed::poll);
        assertEquals("apples", e.queue());
        assertEquals(id, e.jobId());
        assertTrue(e.type().contains("Apple"), e.type());
        assertTrue(e.getMessage().contains("\"apples\""), e.getMessage());
        assertTrue(e.getMessage().contains("job " + id), e.getMessage());
        assertTrue(e.getMessage().contains(e.type()), e.getMessage());
        assertNotNull(e.getCause());
        assertEquals(before, storedRow(id), "same id, times and payload");
        assertEquals(2, rowCount());

        assertThrows(SerializationException.class, () -> typed.get(Duration.ofMillis(200)), "still there, still poison");
        Job<byte[]> raw = pq.queue("apples", Serializers.bytes()).poll().orElseThrow();
        assertEquals(id, raw.id());
        assertArrayEquals("this is not JSON".getBytes(StandardCharsets.UTF_8), raw.data());
        assertEquals(schedule, raw.scheduleAt());
        assertEquals(expected, raw.expectedAt());
        assertEquals(behind, pq.queue("apples", Serializers.string()).poll().orElseThrow().id());
    }

    @Test
    void undecodableJson_isRestoredAsJsonb() {
        long id = pq.queue("apples").put(Map.of("unknown", 1));
        Map<String, Object> before = storedRow(id);
        SerializationException e = assertThrows(SerializationException.class,
                () -> pq.queue("apples", Apple.class).get(Duration.ofSeconds(1)));
        assertEquals(id, e.jobId());
        assertEquals(before, storedRow(id));
        assertEquals("jsonb", queryOne("SELECT pg_typeof(data)::text FROM " + table() + " WHERE id = ?", id));
        assertEquals(Map.of("unknown", 1), pq.queue("apples").poll().orElseThrow().data());
    }

    @Test
    void undecodablePayload_insideATransaction_throws_andTheRowStays() {
        long id = pq.queue("apples", Serializers.bytes()).put(new byte[] {'{', 0x01, (byte) 0xff});
        Map<String, Object> before = storedRow(id);
        Queue<Apple> typed = pq.queue("apples", Apple.class);
        try (Transaction<Apple> tx = typed.transaction()) {
            SerializationException e = assertThrows(SerializationException.class, tx::poll);
            assertEquals(id, e.jobId());
            assertEquals("apples", e.queue());
            assertEquals(before, storedRow(id), "seen from outside, the row is untouched");
        }
        assertEquals(before, storedRow(id));
        try (Transaction<Apple> tx = typed.transaction()) {
            assertThrows(SerializationException.class, tx::poll);
            tx.commit(); // committing after the failure must not lose the job either
        }
        assertEquals(before, storedRow(id));
        assertEquals(id, pq.queue("apples", Serializers.bytes()).poll().orElseThrow().id());
    }

    @Test
    void poisonJob_canBeDeleted_soTheJobsBehindItFlow() {
        Queue<String> text = pq.queue("apples", Serializers.string());
        long poison = text.put("not json");
        pq.queue("apples", Apple.class).put(new Apple("Cox", 1, null, List.of()));
        Queue<Apple> typed = pq.queue("apples", Apple.class);
        SerializationException e = assertThrows(SerializationException.class, typed::poll);
        assertTrue(typed.delete(e.jobId()));
        assertEquals("Cox", typed.poll().orElseThrow().data().kind());
        assertEquals(0, rowCount());
        assertTrue(poison > 0);
    }
}
