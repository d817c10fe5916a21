package dev.pq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.testing.PgTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Job record: every field, size as stored bytes, and the toString format. */
class JobTest extends PgTest {
    private static final Pattern ISO = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z");

    @Test
    void job_carriesEveryField_asStored() {
        Queue<Object> q = pq.queue("apples");
        Instant schedule = Instant.parse("2020-05-06T07:08:09.123456Z");
        Instant expected = Instant.parse("2031-01-02T03:04:05Z");
        long id = q.put(Map.of("kind", "Cox"), schedule, expected);
        Map<String, Object> row = storedRow(id);
        long stored = queryLong("SELECT octet_length(data::text) FROM " + table() + " WHERE id = ?", id);

        Job<Object> job = q.poll().orElseThrow();
        assertEquals(id, job.id());
        assertEquals("apples", job.queue());
        assertEquals(Map.of("kind", "Cox"), job.data());
        assertEquals(stored, job.size());
        assertEquals(micros(row.get("enqueued_us")), job.enqueuedAt());
        assertEquals(schedule, job.scheduleAt());
        assertEquals(expected, job.expectedAt());
    }

    @Test
    void job_withoutTimes_hasNullScheduleAndExpectedAt() {
        Queue<Object> q = pq.queue("apples");
        Instant before = dbNow();
        q.put("x");
        Instant after = dbNow();
        Job<Object> job = q.poll().orElseThrow();
        assertNull(job.scheduleAt());
        assertNull(job.expectedAt());
        assertTrue(!job.enqueuedAt().isBefore(before) && !job.enqueuedAt().isAfter(after),
                job.enqueuedAt() + " not within " + before + " .. " + after);
    }

    @Test
    void size_isTheNumberOfStoredBytes_notCharacters() {
        Queue<String> q = pq.queue("lines", Serializers.string());
        String text = "…æøå!";
        long id = q.put(text);
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length,
                queryLong("SELECT octet_length(bytes) FROM " + table() + " WHERE id = ?", id));
        Job<String> job = q.poll().orElseThrow();
        assertEquals(text, job.data());
        assertEquals(10, job.size(), "… is 3 bytes, æøå 2 each, ! 1");

        Queue<byte[]> raw = pq.queue("raw", Serializers.bytes());
        raw.put(new byte[0]);
        assertEquals(0, raw.poll().orElseThrow().size());
    }

    @Test
    void size_ofJson_isTheStoredJsonb_likePqsSizeOfTheDumpedData() {
        // pq's test_get_and_set: 'size=%d' % len(dumps(data)) in repr(job)
        Queue<Object> q = pq.queue("test");
        long id = q.put(Map.of("foo", "bar"));
        String stored = (String) queryOne("SELECT data::text FROM " + table() + " WHERE id = ?", id);
        assertEquals("{\"foo\": \"bar\"}", stored);
        Job<Object> job = q.poll().orElseThrow();
        assertTrue(job.toString().contains("size=" + stored.length()), job.toString());
    }

    @Test
    void toString_hasTheDocumentedFormat() {
        Queue<Object> q = pq.queue("apples");
        long id = q.put(Map.of("kind", "Cox"));
        Job<Object> job = q.poll().orElseThrow();
        String s = job.toString();
        Pattern format = Pattern.compile("Job\\[id=" + id + ", queue=apples, size=15, enqueuedAt=(" + ISO.pattern()
                + "), scheduleAt=null, expectedAt=null\\]");
        assertTrue(format.matcher(s).matches(), s);
        assertTrue(s.contains("enqueuedAt=" + job.enqueuedAt() + ","), s);
        assertTrue(!s.contains("Cox"), "the payload is not printed: " + s);
    }

    @Test
    void toString_showsScheduleAndExpectedTimesInUtc() {
        Queue<Object> q = pq.queue("apples");
        long id = q.put("x", "2020-01-01T05:30:00+05:30", "2031-06-01T00:00:00Z");
        Job<Object> job = q.poll().orElseThrow();
        String s = job.toString();
        assertTrue(s.startsWith("Job[id=" + id + ", queue=apples, size=3, enqueuedAt="), s);
        assertTrue(s.endsWith(", scheduleAt=2020-01-01T00:00:00Z, expectedAt=2031-06-01T00:00:00Z]"), s);
    }

    @Test
    void record_validatesItsFields_andComparesByValue() {
        Instant t = Instant.parse("2026-11-21T16:22:06Z");
        Job<String> a = new Job<>(77709, "apples", "Cox", 18, t, null, null);
        assertEquals("Job[id=77709, queue=apples, size=18, enqueuedAt=2026-11-21T16:22:06Z, scheduleAt=null, "
                + "expectedAt=null]", a.toString());
        assertEquals(a, new Job<>(77709, "apples", "Cox", 18, t, null, null));
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> new Job<>(1, null, "x", 1, t, null, null));
        assertEquals("queue", npe.getMessage());
        assertThrows(NullPointerException.class, () -> new Job<>(1, "q", "x", 1, null, null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Job<>(1, "q", "x", -1, t, null, null));
        assertEquals("size must be >= 0: -1", e.getMessage());
    }

    @Test
    void scheduledJob_reportsItsScheduleAt() {
        Queue<Object> q = pq.queue("apples");
        long id = q.put("soon", Duration.ofMillis(200));
        Instant stored = micros(storedRow(id).get("schedule_us"));
        Job<Object> job = q.get(Duration.ofSeconds(10)).orElseThrow();
        assertEquals(stored, job.scheduleAt());
    }
}
