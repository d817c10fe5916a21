package dev.pq.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The {@code pq.scale} table (one line per step) and the saturation verdict: the first step that
 * gains under 10% over the one before, with what the measurements say limited it.
 */
final class ScaleReport {
    static final String HEADER = String.format("%-12s %5s %9s %6s %8s %8s %8s %7s %7s %6s %6s %6s %6s %6s %7s %7s  %s",
            "step", "procs", "jobs/s", "xp1", "p50 ms", "p99 ms", "p99call", "pg%core", "pg%mach", "jvmCor", "other", "busy%",
            "Lock", "LWLock", "WAL MB", "WAL B/j", "top waits of active backends (mean count)");

    private ScaleReport() {
    }

    static void print(PrintStream out, List<Map<String, Object>> rows) {
        out.println(HEADER);
        for (Map<String, Object> r : rows) {
            out.println(line(r, rows.get(0)));
        }
    }

    @SuppressWarnings("unchecked")
    static String line(Map<String, Object> row, Map<String, Object> first) {
        Map<String, Object> lat = (Map<String, Object>) row.get("latency");
        Map<String, Object> d = (Map<String, Object>) row.get("drain");
        double rate = num(d, "jobsPerSec");
        double base = num((Map<String, Object>) first.get("drain"), "jobsPerSec");
        StringBuilder waits = new StringBuilder();
        ((Map<String, Object>) d.get("waits")).entrySet().stream().limit(4)
                .forEach(e -> waits.append(waits.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                        .append(e.getValue()));
        return String.format("%-12s %5d %,9.0f %6.2f %8.2f %8.2f %8.2f %7.0f %7.0f %6.2f %6.2f %6.0f %6.2f %6.2f %7.1f %7.0f  %s",
                row.get("id"), (Integer) row.get("processes"), rate, rate / base, num(lat, "p50Ms"), num(lat, "p99Ms"), num(lat, "fromCallP99Ms"),
                num(d, "pgCorePct"), num(d, "pgMachinePct"), num(d, "workerJvmCores"), num(d, "otherCores"), num(d, "machineBusyPct"),
                num(d, "lockWaiting"), num(d, "lwlockWaiting"), num(d, "walBytes") / 1e6, num(d, "walBytesPerJob"),
                waits);
    }

    /** Null while every step gained >= 10% over the previous; else where it saturated and why. */
    @SuppressWarnings("unchecked")
    static String saturation(List<Map<String, Object>> rows, int cores) {
        for (int i = 1; i < rows.size(); i++) {
            Map<String, Object> prev = (Map<String, Object>) rows.get(i - 1).get("drain");
            Map<String, Object> d = (Map<String, Object>) rows.get(i).get("drain");
            double gain = num(d, "jobsPerSec") / num(prev, "jobsPerSec");
            if (gain >= 1.10) {
                continue;
            }
            return String.format("saturated at %s processes (%,.0f jobs/s; %s processes: %,.0f, x%.2f); limit: %s",
                    rows.get(i - 1).get("processes"), num(prev, "jobsPerSec"), rows.get(i).get("processes"),
                    num(d, "jobsPerSec"), gain, limit(d, cores));
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static String limit(Map<String, Object> d, int cores) {
        Map<String, Object> waits = (Map<String, Object>) d.get("waits");
        double wal = 0;
        for (Map.Entry<String, Object> e : waits.entrySet()) {
            if (e.getKey().contains("WAL")) {
                wal += ((Number) e.getValue()).doubleValue();
            }
        }
        double locks = num(d, "lockWaiting") + num(d, "lwlockWaiting") - walLw(waits);
        double busy = num(d, "machineBusyPct");
        String measured = String.format("machine %.0f%% busy, PostgreSQL %.0f%% of one core (%.0f%% of the machine), "
                        + "worker JVMs %.2f cores, other work on the machine %.2f cores; backends waiting on WAL %.2f, on locks %.2f (mean of %s active)",
                busy, num(d, "pgCorePct"), num(d, "pgMachinePct"), num(d, "workerJvmCores"), num(d, "otherCores"), wal, locks,
                d.get("activeBackends"));
        String what;
        if (busy >= 90) {
            what = "CPU: all " + cores + " cores are busy (PostgreSQL, the worker JVMs and other work share them)";
        } else if (wal >= locks && wal > 0.2) {
            what = "WAL: commits wait for the WAL flush";
        } else if (locks > 0.2) {
            what = "the lock manager: backends wait on locks";
        } else {
            what = "neither CPU, WAL nor locks stand out (client side or the network)";
        }
        return what + " (" + measured + ")";
    }

    private static double walLw(Map<String, Object> waits) {
        double v = 0;
        for (Map.Entry<String, Object> e : waits.entrySet()) {
            if (e.getKey().startsWith("LWLock:") && e.getKey().contains("WAL")) {
                v += ((Number) e.getValue()).doubleValue();
            }
        }
        return v;
    }

    private static double num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : 0;
    }
}
