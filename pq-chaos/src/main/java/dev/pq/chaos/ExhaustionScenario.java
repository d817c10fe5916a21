package dev.pq.chaos;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * Scenario 3: all but 3 of the connections the application role may open are held for a while
 * under load. Workers keep the connections they have (HikariCP holds a fixed pool open), so on
 * its own that would only starve newcomers; to make every client live with the 3 free slots,
 * the hold begins by closing the role to new connections ({@code CONNECTION LIMIT 0}),
 * terminating every chaos application backend (workers, ledger, producer), letting the hog take
 * the freed slots, and opening the role again: from then on all of them share the 3 free slots.
 * (Without the role limit the workers' pools win the race for the freed slots.)
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
        Duration closed;
        Instant start = Instant.now();
        try (ConnectionHog hog = new ConnectionHog(run.env, 3); Connection admin = run.env.admin();
             Statement st = admin.createStatement()) {
            long t0 = System.nanoTime();
            try {
                st.execute("ALTER ROLE " + Cluster.APP_ROLE + " CONNECTION LIMIT 0");
                try (ResultSet rs = st.executeQuery(APPS)) {
                    rs.next();
                    killed = rs.getLong(1);
                }
                long gone = System.nanoTime() + 5_000_000_000L;
                while (count(st, APP_COUNT) > 0 && System.nanoTime() - gone < 0) {
                    Sleeps.millis(10); // terminated backends take a moment to exit
                }
                hog.fill(admin);
            } finally {
                st.execute("ALTER ROLE " + Cluster.APP_ROLE + " CONNECTION LIMIT -1");
            }
            closed = Duration.ofNanos(System.nanoTime() - t0);
            while (System.nanoTime() - t0 < holdNanos) {
                hog.fill(admin);
                maxHeld = Math.max(maxHeld, hog.held());
                try (ResultSet rs = st.executeQuery(APP_COUNT)) {
                    rs.next();
                    min = Math.min(min, rs.getInt(1));
                    max = Math.max(max, rs.getInt(1));
                }
                Sleeps.millis(50);
            }
            run.notes.add(String.format("hog held %d connections (the role may have %d, 3 left free); %d app backends "
                    + "terminated at the start, the role closed to new connections for %d ms meanwhile; app connections "
                    + "during the hold: %d..%d", maxHeld, hog.appLimit(), killed, closed.toMillis(), min, max));
        }
        Instant end = Instant.now();
        run.timeline.add("connections exhausted", start, end);
        return end;
    }

    private static int count(Statement st, String sql) throws java.sql.SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
