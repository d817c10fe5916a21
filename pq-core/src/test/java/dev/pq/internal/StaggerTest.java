package dev.pq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The wake order's choice is the same in every listener and falls back to waking at once whenever
 * a listener cannot know it is not first; deferred notifications fold into one wake per queue.
 * (No SQL: the view is set directly; {@code HerdTest} covers it against PostgreSQL.)
 */
class StaggerTest {
    private static Stagger withView(Map<String, int[]> view) throws Exception {
        Stagger s = new Stagger();
        Field f = Stagger.class.getDeclaredField("view");
        f.setAccessible(true);
        f.set(s, Stagger.withAny(view)); // as refreshIfDue stores what it read
        return s;
    }

    @Test
    void exactlyOneListenerOfAQueueIsFirst_forEverySender() throws Exception {
        Stagger s = withView(Map.of("mail", new int[] {101, 205, 333}));
        for (int sender = 1; sender < 500; sender++) {
            int firsts = 0;
            for (int self : new int[] {101, 205, 333}) {
                firsts += s.first("mail", sender, self) ? 1 : 0;
            }
            assertEquals(1, firsts, "sender " + sender);
        }
    }

    @Test
    void theFirstListenerRotatesWithTheSender() throws Exception {
        Stagger s = withView(Map.of("mail", new int[] {101, 205, 333}));
        assertTrue(s.first("mail", 300, 101)); // 300 mod 3 = 0
        assertTrue(s.first("mail", 301, 205));
        assertTrue(s.first("mail", 302, 333));
        assertFalse(s.first("mail", 302, 101));
    }

    @Test
    void wakesAtOnce_whenAloneNotInTheViewOrWithoutAView() throws Exception {
        assertTrue(new Stagger().first("mail", 7, 101), "no view yet");
        Stagger s = withView(Map.of("mail", new int[] {101}, "sms", new int[] {101, 205}));
        assertTrue(s.first("mail", 8, 101), "the only listener of its queue");
        assertTrue(s.first("sms", 8, 999), "a listener the view does not know yet");
        assertTrue(s.first("sms", 8, null), "a shared connection");
        assertTrue(s.first("push", 8, 101), "a queue the view does not know");
    }

    @Test
    void listenersOfEveryQueueCountForEachQueue() throws Exception {
        Stagger s = withView(Map.of("mail", new int[] {101}, "*", new int[] {205}));
        assertEquals(2, s.viewed("mail"));
        assertTrue(s.first("mail", 0, 101) ^ s.first("mail", 0, 205));
        assertEquals(1, s.viewed("*"));
        assertEquals(1, s.viewed("push"), "a queue only a glob worker waits on");
    }

    @Test
    void deferredNotificationsOfAQueueFoldIntoOneWake_dueAfterTheDelay() {
        Stagger s = new Stagger();
        long t = 1_000_000_000L;
        assertEquals(250, s.timeoutMillis(250, t), "nothing deferred: the full wait");
        s.defer("mail", t);
        s.defer("mail", t + 10);
        s.defer("sms", t + 20);
        assertTrue(s.timeoutMillis(250, t) <= Math.max(1, Stagger.DELAY_NANOS / 1_000_000 + 1));
        List<String> woke = new ArrayList<>();
        s.fireDue(t + Stagger.DELAY_NANOS - 1, (q, n) -> woke.add(q + "x" + n));
        assertEquals(List.of(), woke, "not due yet");
        s.fireDue(t + Stagger.DELAY_NANOS + 10, (q, n) -> woke.add(q + "x" + n));
        assertEquals(List.of("mailx2"), woke, "sms is due 20 ns later");
        s.fireDue(t + Stagger.DELAY_NANOS + 20, (q, n) -> woke.add(q + "x" + n));
        assertEquals(List.of("mailx2", "smsx1"), woke);
        assertEquals(250, s.timeoutMillis(250, t + Stagger.DELAY_NANOS + 20));
    }
}
