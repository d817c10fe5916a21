package dev.pq.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The suite's own judgement, without a database: these run in a plain {@code mvn verify}. */
class TimelineTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void repeat_isExplained_onlyByAFaultBetweenTheRunsOrJustBeforeTheFirst() {
        Timeline t = new Timeline();
        t.add("kill", T.plusSeconds(10), T.plusMillis(10_050));
        assertTrue(t.explains(T.plusSeconds(9), T.plusSeconds(11)), "fault between the runs");
        assertTrue(t.explains(T.plusSeconds(11), T.plusSeconds(12)), "fault ended 0.95 s before the first run");
        assertFalse(t.explains(T.plusSeconds(13), T.plusSeconds(14)), "fault ended 2.95 s before the first run");
        assertFalse(t.explains(T.plusSeconds(1), T.plusSeconds(2)), "both runs before any fault");
    }

    @Test
    void verdict_fails_onAnyLostJobOrDoubleEffect_andSaysWhy() {
        LedgerFigures f = new LedgerFigures(10, 9, 1, 1, 0, 0, 0, 12, 2, 1, List.of(), 1, List.of("n=3 by w1"), 0,
                List.of());
        Verdict v = Verdict.of(f);
        assertFalse(v.pass());
        assertTrue(v.reasons().contains("1 jobs without effect (1 still pending"), v.reasons());
        assertTrue(v.reasons().contains("effects committed twice: n=3 by w1"), v.reasons());
        assertTrue(v.reasons().contains("1 of 2 executions beyond one with no fault"), v.reasons());
        assertEquals(1, f.extraAtFaults());
    }

    @Test
    void recovery_passes_onlyIfEveryWorkerResumedWithinTheLimit() {
        assertTrue(new Recovery(T, Map.of("w1", 150L, "w2", 1_999L), List.of(), Duration.ofSeconds(2)).allResumed());
        assertFalse(new Recovery(T, Map.of("w1", 150L, "w2", 2_001L), List.of(), Duration.ofSeconds(2)).allResumed());
        assertFalse(new Recovery(T, Map.of("w1", -1L), List.of(), Duration.ofSeconds(2)).allResumed());
    }

    @Test
    void flatness_flagsGrowth_butNotNoise() {
        List<Double> noisy = List.of(10.0, 12.0, 9.0, 11.0, 10.0, 12.0, 10.0, 11.0, 9.0, 12.0, 10.0, 11.0);
        List<Double> growing = List.of(10.0, 11.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0, 24.0, 26.0, 28.0, 30.0);
        assertTrue(Flatness.of("noise", noisy, 0.2, 1).flat());
        assertFalse(Flatness.of("growth", growing, 0.2, 1).flat());
    }
}
