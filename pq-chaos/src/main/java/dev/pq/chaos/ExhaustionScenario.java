package dev.pq.chaos;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;

/**
 * Scenario 3: all but 3 of the connections the application role may open are held for a while
 * under load. Workers keep the connections they have (HikariCP holds a fixed pool open), so on
 * its own that would only starve newcomers; to make every client live with the 3 free slots,
 * the scenario terminates every chaos application backend (workers, ledger, producer) once as
 * the hold begins, and the hog takes the freed slots (down to 3 free) as they come back.
 */
final class ExhaustionScenario extends FaultScenario {
    private static final String APPS = "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            + "WHERE application_name IN ('chaos-ledger', 'chaos-producer') OR application_name LIKE 'chaos-worker-%'";
    private static final String APP_COUNT = "SELECT count(*) FROM pg_stat_activity WHERE application_name IN "
            + "('chaos-ledger', 'chaos-producer') OR application_name LIKE 'chaos-worker-%'";

    @Override
    public String id() {
        return "exhaustion";
    }

    @Override
    public String title(Scale s) {
        return "connections exhausted (all but 3 held) for " + seconds(s.exhaustFor())
                + ", app backends terminated once at the start";
    }

    @Override
    Instant inject(Run run) throws Exception {
        long holdNanos = run.env.scale().exhaustFor().toNanos();
        int min = Integer.MAX_VALUE;
        int max = 0;
        int maxHeld = 0;
        long killed;
        Instant start = Instant.now();
        try (ConnectionHog hog = new ConnectionHog(run.env, 3); Connection admin = run.env.admin();
             Statement st = admin.createStatement()) {
            hog.adjust(admin);
            long t0 = System.nanoTime();
            try (ResultSet rs = st.executeQuery(APPS)) {
                rs.next();
                killed = rs.getLong(1);
            }
            while (System.nanoTime() - t0 < holdNanos) {
                hog.adjust(admin);
                maxHeld = Math.max(maxHeld, hog.held());
                if (System.nanoTime() - t0 < 500_000_000L) {
                    Sleeps.millis(20); // terminated backends take a moment to leave pg_stat_activity
                    continue;
                }
                try (ResultSet rs = st.executeQuery(APP_COUNT)) {
                    rs.next();
                    min = Math.min(min, rs.getInt(1));
                    max = Math.max(max, rs.getInt(1));
                }
                Sleeps.millis(50);
            }
            run.notes.add(String.format("hog held up to %d connections (the role may have %d: 3 left free); %d app "
                    + "backends terminated at the start; app connections during the hold (after its first 0.5 s): %d..%d", maxHeld,
                    hog.appLimit(), killed, min, max));
        }
        Instant end = Instant.now();
        run.timeline.add("connections exhausted", start, end);
        return end;
    }
}
