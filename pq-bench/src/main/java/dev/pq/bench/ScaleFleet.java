package dev.pq.bench;

import dev.pq.harness.ProcessTools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The {@code n} worker processes of one {@code pq.scale} step: {@link ScaleWorker} JVMs, process
 * {@code k} in namespace {@code pqscale<k>} (or on loopback), each connecting to the cluster
 * through its own host-side address. Their stdout is read here ({@code ready}, probe starts);
 * their stderr goes to a log file each. {@link #close()} sends SIGTERM, then SIGKILL after 20 s.
 */
final class ScaleFleet implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final CountDownLatch ready;
    private final Map<Integer, Long> startedMicros = new ConcurrentHashMap<>();
    private final Semaphore started = new Semaphore(0);

    private ScaleFleet(int n) {
        ready = new CountDownLatch(n);
    }

    /** Starts {@code n} processes and waits until each one's worker has started. */
    static ScaleFleet start(int n, ScaleNet net, ScaleCluster cluster, Path logDir) throws IOException {
        ScaleFleet f = new ScaleFleet(n);
        Files.createDirectories(logDir);
        try {
            for (int k = 1; k <= n; k++) {
                f.spawn(k, net, cluster, logDir);
            }
            if (!f.ready.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + (n - f.ready.getCount()) + " of " + n
                        + " worker processes started in 120 s" + f.firstDeath());
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.close();
            throw new IllegalStateException("interrupted while the workers started");
        } catch (RuntimeException | IOException e) {
            f.close();
            throw e;
        }
    }

    private void spawn(int k, ScaleNet net, ScaleCluster cluster, Path logDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = net.wrap(k, List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", ProcessTools.classpath(ScaleFleet.class), ScaleWorker.class.getName(),
                cluster.url(net.serverAddressFor(k), "scale-w" + k), Long.toString(ProcessHandle.current().pid())));
        Path log = logDir.resolve("w" + k + ".log");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
        processes.add(p);
        logs.add(log);
        Thread reader = new Thread(() -> read(p), "scale-w" + k + "-out");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if ("ready".equals(line)) {
                    ready.countDown();
                } else if (line.startsWith("started ")) {
                    String[] f = line.split(" ");
                    startedMicros.put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                    started.release();
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone: close() or firstDeath() tells
        }
    }

    /** Waits for probe {@code i}'s start; its time in epoch microseconds, or -1 after the timeout. */
    long awaitStart(int i, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            Long at = startedMicros.remove(i);
            if (at != null) {
                return at;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !started.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                Long late = startedMicros.remove(i);
                return late == null ? -1 : late;
            }
        }
    }

    /** Process ids of the live workers (for their CPU time). */
    List<Long> pids() {
        return processes.stream().filter(Process::isAlive).map(Process::pid).toList();
    }

    /** The first worker that exited, with the last line of its log, or "". */
    String firstDeath() {
        for (int i = 0; i < processes.size(); i++) {
            if (!processes.get(i).isAlive()) {
                return "; w" + (i + 1) + " exited with " + processes.get(i).exitValue() + ": " + lastLine(logs.get(i));
            }
        }
        return "";
    }

    @Override
    public void close() {
        processes.forEach(Process::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Process p : processes) {
            try {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (!p.waitFor(left, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log).stream().filter(s -> !s.isBlank()).toList();
            return lines.isEmpty() ? "(empty log " + log + ")" : lines.get(lines.size() - 1) + " (" + log + ")";
        } catch (IOException e) {
            return "(no log " + log + ")";
        }
    }
}
