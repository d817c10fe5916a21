package dev.pq.chaos;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The short chaos suite (CI): one test per scenario, asserting every criterion the scenario
 * checks. Excluded from a plain {@code mvn verify}; run it with
 * {@code mvn -B -ntp -pl pq-chaos -am verify -Dchaos=true}. One cluster serves the class; the
 * results table is written to {@code pq-chaos/results/} at the end.
 */
@Tag("chaos")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosSuiteTest {
    private static final List<ScenarioResult> results = new ArrayList<>();
    private static Env env;
    private static Path out;
    private static long t0;

    @BeforeAll
    static void startCluster() throws Exception {
        out = Path.of(System.getProperty("chaos.defaultOut", "target/chaos-results"));
        Files.createDirectories(out);
        t0 = System.nanoTime();
        env = Env.create(Scale.SHORT, out.resolve("logs-test-" + stamp()));
    }

    @AfterAll
    static void stopClusterAndWriteResults() throws Exception {
        if (env == null) {
            return;
        }
        String version = env.cluster().version();
        env.close();
        String table = ResultsTable.render(results, "short (JUnit)", version, Duration.ofNanos(System.nanoTime() - t0));
        Path file = out.resolve("chaos-test-" + stamp() + ".md");
        Files.writeString(file, table);
        System.out.println(table);
        System.out.println("results written to " + file.toAbsolutePath());
    }

    @Test
    @Order(1)
    void postgresRestartFast_losesNoJob_commitsNoEffectTwice_andWorkersResumeWithin2s() throws Exception {
        assertPasses(new RestartScenario("fast"));
    }

    @Test
    @Order(2)
    void postgresRestartImmediate_losesNoJob_commitsNoEffectTwice_andWorkersResumeWithin2s() throws Exception {
        assertPasses(new RestartScenario("immediate"));
    }

    @Test
    @Order(3)
    void everyWorkerBackendTerminatedEvery2s_losesNoJob_commitsNoEffectTwice_andWorkersResume() throws Exception {
        assertPasses(new TerminateScenario(false, false));
    }

    @Test
    @Order(4)
    void lockerSessionsTerminatedEvery2s_losesNoJob_commitsNoEffectTwice_andWorkersResume() throws Exception {
        assertPasses(new TerminateScenario(true, false));
    }

    @Test
    @Order(5)
    void lockerSessionsTerminatedEvery2s_withJobsOf200To400ms_commitsNoEffectTwice() throws Exception {
        assertPasses(new TerminateScenario(true, true));
    }

    @Test
    @Order(6)
    void connectionsExhaustedButThree_losesNoJob_commitsNoEffectTwice_andWorkersResumeAfterRelease() throws Exception {
        assertPasses(new ExhaustionScenario());
    }

    @Test
    @Order(7)
    void oneWorkerSigkilled_anotherTakesItsJobs_noneLostOrCommittedTwice_andTheReplacementWorks() throws Exception {
        assertPasses(new KillScenario(false));
    }

    @Test
    @Order(8)
    void randomWorkerSigkilledEvery3s_losesNoJob_commitsNoEffectTwice_andReplacementsWork() throws Exception {
        assertPasses(new KillScenario(true));
    }

    @Test
    @Order(9)
    void twoWorkersDrainingABacklogWithoutNotifications_neverSitIdleWhileJobsAreReady() throws Exception {
        assertPasses(new IdleBacklogScenario());
    }

    @Test
    @Order(10)
    void idleInTransactionPinningXmin_losesNoJob_andWorkKeepsFlowing() throws Exception {
        assertPasses(new HorizonScenario(false));
    }

    @Test
    @Order(11)
    void producerAt1point5xTheDrainRate_backlogDrainsAfterwards_withNoWorkerIdle() throws Exception {
        assertPasses(new OverloadScenario());
    }

    @Test
    @Order(12)
    void repeatableReadReaderHoldingASnapshot_losesNoJob_andWorkKeepsFlowing() throws Exception {
        assertPasses(new HorizonScenario(true));
    }

    @Test
    @Order(13)
    void burstOfTenThousandJobs_drainsCompletely_withNoWorkerIdle() throws Exception {
        assertPasses(new BurstScenario());
    }

    private static void assertPasses(Scenario s) throws Exception {
        ScenarioResult r = s.run(env);
        results.add(r);
        System.out.println(ResultsTable.detail(r));
        List<Executable> checks = new ArrayList<>();
        for (Verdict.Check c : r.verdict().checks()) {
            checks.add(() -> assertTrue(c.pass(), s.id() + ": " + c.name() + ": " + c.detail()
                    + (r.logs() == null ? "" : " (logs: " + r.logs() + ")")));
        }
        assertAll(s.id(), checks);
    }

    private static String stamp() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }
}
