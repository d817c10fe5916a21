package dev.pq.chaos;

/**
 * One fault-injection scenario: it runs its own worker processes against the suite's cluster and
 * judges what the ledger says.
 *
 * <pre>{@code
 * try (Env env = Env.create(Scale.SHORT, logs)) {
 *     ScenarioResult r = new RestartScenario("fast").run(env);
 *     System.out.println(r.pass() ? "PASS" : "FAIL: " + r.verdict().reasons());
 * }
 * }</pre>
 */
interface Scenario {
    /** A short stable id: {@code restart.fast}, {@code kill.random}, ... */
    String id();

    /** What it does, in words (with the scale's durations). */
    String title(Scale scale);

    /** Runs the scenario; the cluster is left running for the next one. */
    ScenarioResult run(Env env) throws Exception;
}
