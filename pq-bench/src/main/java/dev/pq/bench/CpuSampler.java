package dev.pq.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the CPU time of a measured window went, from {@code /proc} (Linux only; elsewhere it
 * reports nothing): the PostgreSQL server's processes (every process owned by the server's OS
 * user, or named {@code postgres}), this JVM, and everything else (other tenants of the machine,
 * child processes). It samples every 250 ms so that backends that exit within the window are
 * still counted up to their last sample.
 */
final class CpuSampler implements AutoCloseable {
    private static final double HZ = 100.0; // USER_HZ on Linux x86_64
    private static final long SELF = ProcessHandle.current().pid();

    private final Map<Long, long[]> first = new HashMap<>(); // pid -> {ticks at first sight, kind}
    private final Map<Long, long[]> last = new HashMap<>();
    private final long[] machineStart;
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;
    private final boolean available = Files.isReadable(Path.of("/proc/stat"));

    private CpuSampler() {
        machineStart = machine();
        sample();
        thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
                sample();
            }
        }, "bench-cpu");
        thread.setDaemon(true);
        thread.start();
    }

    static CpuSampler start() {
        return new CpuSampler();
    }

    /** Stops and returns pgCores, jvmCores, otherCores (cores busy on average) and machineBusyPct. */
    Map<String, Object> stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
        Map<String, Object> out = new LinkedHashMap<>();
        if (!available) {
            return out;
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long[] ticks = new long[3];
        synchronized (this) {
            for (Map.Entry<Long, long[]> e : last.entrySet()) {
                long[] f = first.get(e.getKey());
                int kind = (int) e.getValue()[1];
                ticks[kind] += e.getValue()[0] - f[0];
            }
        }
        long[] m = machine();
        long busy = (m[0] - machineStart[0]);
        long total = (m[1] - machineStart[1]);
        out.put("pgCores", round(ticks[0] / HZ / seconds));
        out.put("jvmCores", round(ticks[1] / HZ / seconds));
        out.put("otherCores", round(ticks[2] / HZ / seconds));
        out.put("machineBusyPct", total > 0 ? Math.round(1000.0 * busy / total) / 10.0 : 0);
        return out;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }

    private synchronized void sample() {
        if (!available) {
            return;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"), p -> {
            String n = p.getFileName().toString();
            return !n.isEmpty() && Character.isDigit(n.charAt(0));
        })) {
            for (Path p : dir) {
                long pid = Long.parseLong(p.getFileName().toString());
                String stat;
                try {
                    stat = Files.readString(p.resolve("stat"));
                } catch (IOException | RuntimeException gone) {
                    continue;
                }
                int close = stat.lastIndexOf(')');
                if (close < 0) {
                    continue;
                }
                String comm = stat.substring(stat.indexOf('(') + 1, close);
                String[] f = stat.substring(close + 2).split(" ");
                // fields after comm: state(0) ppid(1) ... utime(11) stime(12)
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                long[] seen = first.get(pid);
                long kind;
                if (seen != null) {
                    kind = seen[1];
                } else if (pid == SELF) {
                    kind = 1;
                } else if (comm.startsWith("postgres") || comm.startsWith("postmaster") || isPostgresUser(p)) {
                    kind = 0;
                } else {
                    kind = 2;
                }
                first.putIfAbsent(pid, new long[] {ticks, kind});
                last.put(pid, new long[] {ticks, kind});
            }
        } catch (IOException | RuntimeException e) {
            // /proc vanished or unreadable: report what we have
        }
    }

    private static Integer postgresUid;

    private static boolean isPostgresUser(Path proc) {
        try {
            if (postgresUid == null) {
                postgresUid = -1;
                for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                    String[] f = line.split(":");
                    if (f.length > 2 && f[0].equals("postgres")) {
                        postgresUid = Integer.parseInt(f[2]);
                    }
                }
            }
            if (postgresUid < 0) {
                return false;
            }
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.split("\\s+")[1]) == postgresUid;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** {busy ticks, total ticks} of the whole machine. */
    private long[] machine() {
        if (!available) {
            return new long[2];
        }
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[2];
        }
    }
}
