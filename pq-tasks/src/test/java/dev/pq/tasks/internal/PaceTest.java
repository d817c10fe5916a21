package dev.pq.tasks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The lock batch beyond the idle threads, from measured run times and recent ends (no database, no clock). */
class PaceTest {
    private static final long MS = 1_000_000L;

    @Test
    void ahead_isNothing_untilAJobHasEnded() {
        assertEquals(0, Pace.ahead(6, 0, 0, 100));
        assertEquals(0, new Pace(6, WorkerConfig.ADAPTIVE_BUFFER).ahead(0));
    }

    @Test
    void ahead_isTheSetSize_whenTheUserSetOne() {
        Pace pace = new Pace(6, 8);
        long t = System.nanoTime();
        assertEquals(8, pace.ahead(t));
        pace.ran(200 * MS, t);
        assertEquals(8, pace.ahead(t), "fixed: run times change nothing");
        assertEquals(0, pace.surplus(50, 0), "fixed: nothing is given back");
        assertEquals(0, new Pace(6, 0).ahead(t));
    }

    @Test
    void ahead_reachesTheCap_forSubMillisecondJobs() {
        // 4 threads, 0.1 ms a job: 400 start within the 10 ms horizon, 350 ended in the last one
        assertEquals(100, Pace.ahead(4, 100_000, 350, 100));
        assertEquals(8, Pace.ahead(4, 100_000, 350, 8), "a cap the user sets holds");
        assertEquals(0, Pace.ahead(4, 100_000, 350, 0), "0: only for idle threads");
    }

    @Test
    void ahead_followsThePace_forJobsOfAFewMilliseconds() {
        // 6 threads, 2 ms a job: 30 start within 10 ms
        assertEquals(30, Pace.ahead(6, 2 * MS, 40, 100));
        // 6 threads, 20 ms a job: 3 start within 10 ms
        assertEquals(3, Pace.ahead(6, 20 * MS, 6, 100));
        // a slow lock statement left the threads waiting, fewer ended: twice those still feeds them
        assertEquals(30, Pace.ahead(6, 2 * MS, 15, 100));
    }

    @Test
    void ahead_isNothing_forLongJobs() {
        assertEquals(0, Pace.ahead(6, 200 * MS, 6, 100), "200 ms jobs: a second process takes the rest");
    }

    @Test
    void ahead_isBoundByRecentEnds_whenTheAverageIsOld() {
        // an average of short jobs, but only 2 jobs ended lately (the threads sit in long jobs now)
        assertEquals(4, Pace.ahead(6, 100_000, 2, 100), "twice the recent ends");
        assertEquals(0, Pace.ahead(6, 100_000, 0, 100), "an idle process locks only for its idle threads");
    }

    @Test
    void ahead_countsEndsOfTheLastHorizon_andForgetsOlderOnes() {
        Pace pace = new Pace(4, WorkerConfig.ADAPTIVE_BUFFER);
        long t = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            pace.ran(100_000, t + i * 1_000);
        }
        assertEquals(60, pace.ahead(t + 50_000), "30 ended within this horizon: twice that");
        assertEquals(60, pace.ahead(t + Pace.HORIZON_NANOS), "the previous horizon still counts");
        assertEquals(0, pace.ahead(t + 3 * Pace.HORIZON_NANOS), "nothing ended lately: nothing ahead");
    }

    @Test
    void ahead_isOne_forLongJobsWhileTheThreadsKeepEndingThem() {
        Pace pace = new Pace(6, WorkerConfig.ADAPTIVE_BUFFER);
        long t = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            pace.ran(200 * MS, t);
        }
        assertEquals(1, pace.ahead(t + 30 * MS), "200 ms jobs on 6 threads end every ~33 ms: one waits ready");
        assertEquals(0, pace.ahead(t + 200 * MS), "no job ended for a while: only the idle threads");
    }

    @Test
    void ahead_adaptsToLongerJobs_withinAFewSamples() {
        Pace pace = new Pace(6, WorkerConfig.ADAPTIVE_BUFFER);
        long t = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            pace.ran(100_000, t);
        }
        assertEquals(100, pace.ahead(t));
        for (int i = 0; i < 30; i++) {
            pace.ran(200 * MS, t);
        }
        assertEquals(1, pace.ahead(t), "one ahead at most");
    }

    @Test
    void surplus_givesBackLongJobsBufferedOnAShortAverage_butKeepsShortOnes() {
        Pace pace = new Pace(6, WorkerConfig.ADAPTIVE_BUFFER);
        long t = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            pace.ran(100_000, t);
        }
        assertEquals(0, pace.surplus(100, 0), "short jobs: a full buffer is what they need");
        pace.ran(200 * MS, t); // the first long job ended: the average is ~25 ms now
        int surplus = pace.surplus(94, 0);
        assertEquals(94 - 2 * (6 * 10 / 25), surplus, "keeps twice what the threads start within the horizon");
        assertEquals(0, pace.surplus(0, 6));
        for (int i = 0; i < 40; i++) {
            pace.ran(200 * MS, t);
        }
        assertEquals(0, pace.surplus(2, 0), "long jobs: the one ahead (and one more) is kept, not shed and locked again");
        assertEquals(3, pace.surplus(5, 0));
        assertEquals(0, new Pace(6, WorkerConfig.ADAPTIVE_BUFFER).surplus(10, 0), "no average yet: nothing is given back");
    }
}
