package dev.pq.chaos;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario 5: two worker processes drain a prefilled backlog with no producer, so no
 * notification arrives after they start and only pq's 5 s poll interval (the default) can make a
 * locker look again. Counts, per process, the whole seconds it committed nothing while ready jobs
 * no worker held existed (sampled every 200 ms), and the drain rate. Jobs take 10–30 ms, so the
 * drain lasts long enough for idle seconds to show.
 */
final class IdleBacklogScenario implements Scenario {
    @Override
    public String id() {
        return "idle.backlog";
    }

    @Override
    public String title(Scale s) {
        return String.format("2 workers drain a prefilled backlog of %,d jobs (10–30 ms), no producer, 5 s poll", s.backlog());
    }

    @Override
    public ScenarioResult run(Env env) throws Exception {
        Scale scale = env.scale();
        try (Run run = Run.begin(env, id(), 0)) {
            Prefill.fill(env, run.numbers, scale.backlog(), Sleeps.uniform(10, 30), 1_000, 2);
            try (Sampler sampler = new Sampler(env, Duration.ofMillis(200), 5).start()) {
                run.fleet.startAll(2);
                long left = Ledger.awaitDrained(env, Duration.ofSeconds(30).plusMillis(scale.backlog() * 20L));
                sampler.close();
                Map<String, Instant> ready = new LinkedHashMap<>();
                run.fleet.alive().forEach(m -> ready.put(m.label(), run.fleet.readyAt(m)));
                Instant from = ready.values().stream().min(Instant::compareTo).orElseThrow();
                IdleSeconds idle;
                try (Connection c = env.admin(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery(LedgerSql.EFFECT_SPAN)) {
                    rs.next();
                    Instant first = rs.getTimestamp(1).toInstant();
                    Instant last = rs.getTimestamp(2).toInstant();
                    double secs = Duration.between(first, last).toMillis() / 1e3;
                    run.notes.add(String.format("drain: %,d jobs in %.1f s = %.0f jobs/s (first to last completion)%s",
                            rs.getLong(3), secs, rs.getLong(3) / Math.max(secs, 1e-3),
                            left == 0 ? "" : "; " + left + " not done in time"));
                    idle = IdleSeconds.measure(c, sampler.samples(), ready, from, last);
                }
                idle.examples().stream().limit(3).forEach(run.notes::add);
            run.notes.addAll(idle.perSecond());
                return run.finish(title(scale), null, idle, v -> {
                });
            }
        }
    }
}
