package dev.pq.tasks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Child worker JVMs ({@link ChildWorker}) started by a test; {@link #close()} kills any left. */
final class Children implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    /** Starts {@code ChildWorker url schema workerCount sleepOddMillis label}. */
    Process start(String url, String schema, int workerCount, long sleepOddMillis, String label) throws IOException {
        return startMain(ChildWorker.class, label, url, schema, Integer.toString(workerCount),
                Long.toString(sleepOddMillis), label);
    }

    /** Starts the {@code main} of class {@code main} with {@code args} in a child JVM. */
    Process startMain(Class<?> main, String label, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Files.createTempFile("pq-child-" + label + "-", ".log");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        synchronized (processes) {
            processes.add(p);
            logs.add(log);
        }
        return p;
    }

    /** The output of every child so far, for failure messages. */
    String output() {
        StringBuilder s = new StringBuilder();
        synchronized (processes) {
            for (int i = 0; i < logs.size(); i++) {
                s.append("--- child ").append(processes.get(i).pid()).append(" (").append(logs.get(i)).append(")\n");
                try {
                    String text = Files.readString(logs.get(i));
                    s.append(text.length() > 4000 ? text.substring(text.length() - 4000) : text).append('\n');
                } catch (IOException e) {
                    s.append(e).append('\n');
                }
            }
        }
        return s.toString();
    }

    @Override
    public void close() {
        synchronized (processes) {
            for (Process p : processes) {
                p.destroyForcibly();
            }
            for (Process p : processes) {
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (Path log : logs) {
                File f = log.toFile();
                f.delete();
            }
        }
    }
}
