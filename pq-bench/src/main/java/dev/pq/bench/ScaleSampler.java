package dev.pq.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one {@code pq.scale} drain cost: CPU ticks from {@code /proc} (the benchmark cluster's
 * processes only: the postmaster with its reaped children's time, plus every live child; the
 * worker JVMs; the whole machine), and what the server's client backends waited on, sampled
 * from {@code pg_stat_activity} (and ungranted {@code pg_locks}) every 50 ms on a connection
 * of its own.
 */
final class ScaleSampler implements AutoCloseable {
    static final double HZ = 100.0; // USER_HZ on Linux x86_64
    private static final String WAITS = """
            SELECT coalesce(wait_event_type, 'CPU'), coalesce(wait_event, 'running'),
              regexp_replace(left(query, 60), '\\s+', ' ', 'g'), count(*)
            FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend'
            AND pid <> pg_backend_pid() GROUP BY 1, 2, 3""";
    private static final String NOT_GRANTED = "SELECT count(*) FROM pg_locks WHERE NOT granted";

    private final Connection connection;
    private final Thread thread;
    private final Map<String, Long> events = new TreeMap<>();
    private final Map<String, Long> statements = new TreeMap<>();
    private long samples;
    private long notGrantedSum;
    private long notGrantedMax;
    private volatile boolean running = true;

    ScaleSampler(String url) throws SQLException {
        connection = DriverManager.getConnection(url);
        thread = new Thread(this::loop, "scale-waits");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try (Statement st = connection.createStatement()) {
            while (running) {
                Map<String, Long> now = new TreeMap<>();
                Map<String, Long> running = new TreeMap<>();
                try (ResultSet rs = st.executeQuery(WAITS)) {
                    while (rs.next()) {
                        now.merge(rs.getString(1) + ":" + rs.getString(2), rs.getLong(4), Long::sum);
                        running.merge(rs.getString(3), rs.getLong(4), Long::sum);
                    }
                }
                long ng;
                try (ResultSet rs = st.executeQuery(NOT_GRANTED)) {
                    rs.next();
                    ng = rs.getLong(1);
                }
                synchronized (this) {
                    samples++;
                    now.forEach((k, v) -> events.merge(k, v, Long::sum));
                    running.forEach((k, v) -> statements.merge(k, v, Long::sum));
                    notGrantedSum += ng;
                    notGrantedMax = Math.max(notGrantedMax, ng);
                }
                Thread.sleep(50);
            }
        } catch (SQLException e) {
            if (running) {
                System.err.println("pq.scale: wait sampling stopped: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            // stop
        }
    }

    /** Stops sampling; the mean number of active client backends per wait (type:event), and totals. */
    synchronized Map<String, Object> stop() {
        running = false;
        thread.interrupt();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("waitSamples", samples);
        double n = Math.max(1, samples);
        double lock = 0;
        double lwlock = 0;
        double active = 0;
        Map<String, Double> means = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : events.entrySet()) {
            double m = e.getValue() / n;
            active += m;
            if (e.getKey().startsWith("Lock:")) {
                lock += m;
            } else if (e.getKey().startsWith("LWLock:")) {
                lwlock += m;
            }
            means.put(e.getKey(), round(m));
        }
        out.put("activeBackends", round(active));
        out.put("lockWaiting", round(lock));
        out.put("lwlockWaiting", round(lwlock));
        out.put("locksNotGrantedMean", round(notGrantedSum / n));
        out.put("locksNotGrantedMax", notGrantedMax);
        Map<String, Double> top = new LinkedHashMap<>();
        means.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(6)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        out.put("waits", top);
        Map<String, Double> busiest = new LinkedHashMap<>();
        statements.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(4)
                .forEach(e -> busiest.put(e.getKey(), round(e.getValue() / n)));
        out.put("activeStatements", busiest);
        return out;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            // closing anyway
        }
    }

    /** CPU ticks of the cluster: the postmaster (with reaped children) and its live children. */
    static long clusterTicks(long postmaster) {
        long total = 0;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                long[] s = stat(p);
                if (s == null) {
                    continue;
                }
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == postmaster) {
                    total += s[1] + s[2] + s[3] + s[4];
                } else if (s[0] == postmaster) {
                    total += s[1] + s[2];
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return total;
    }

    /** CPU ticks of these processes. */
    static long ticks(List<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            long[] s = stat(Path.of("/proc", Long.toString(pid)));
            if (s != null) {
                total += s[1] + s[2];
            }
        }
        return total;
    }

    /** {busy, total} jiffies of the whole machine ({@code /proc/stat}'s cpu line). */
    static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** {ppid, utime, stime, cutime, cstime} of a process, or null if it is gone. */
    private static long[] stat(Path proc) {
        try {
            String s = Files.readString(proc.resolve("stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]),
                    Long.parseLong(f[13]), Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
