package dev.pq.bench;

import dev.pq.harness.ProcessTools;

import dev.pq.PQ;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One worker process of the {@code pq.scale} benchmark ({@link ScaleBench}), started by the
 * harness as a child JVM, inside a network namespace of its own when it can make one:
 *
 * <pre>
 * ip netns exec pqscale1 java -cp ... dev.pq.bench.ScaleWorker \
 *     jdbc:postgresql://10.213.1.1:5999/scale?user=postgres&amp;ApplicationName=scale-w1 1234
 * </pre>
 *
 * It runs pq-tasks' {@link Worker} with its default settings (only SIGTERM handling is turned on,
 * so the harness can stop it gracefully) over a PQ with default settings. It writes on stdout
 * {@code ready} once the worker has started and {@code started <i> <epoch micros>} when a probe
 * job starts (the harness times put to start from these); the drain's no-op jobs print nothing.
 * It halts when the harness process (the second argument) is gone, so it never outlives it.
 */
public final class ScaleWorker {
    /** The queue of the scale benchmark. */
    static final String QUEUE = "scale";

    /** The no-op job the drain runs. */
    public interface Noop {
        /** Does nothing. */
        @Task(name = "bench.scale.noop", queue = QUEUE)
        void noop();
    }

    /** The job whose start the latency phase times. */
    public interface Probe {
        /** Reports its start on stdout. */
        @Task(name = "bench.scale.probe", queue = QUEUE)
        void probe(int i);
    }

    private ScaleWorker() {
    }

    /**
     * Arguments: the JDBC URL, then the harness's process id.
     *
     * @param args {@code <jdbc url> <parent pid>}
     * @throws Exception when the worker cannot start or is interrupted
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ScaleWorker <jdbc url> <parent pid>");
        }
        ProcessTools.haltWhenGone(Long.parseLong(args[1]), "scale-parent-watch");
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        PQ pq = PQ.builder().url(args[0]).build();
        Tasks tasks = Tasks.create(pq);
        tasks.register(Noop.class, () -> { });
        tasks.register(Probe.class, i -> {
            Instant now = Instant.now();
            long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
            synchronized (out) {
                out.println("started " + i + " " + micros);
                out.flush();
            }
        });
        Worker worker = Worker.builder(tasks).handleSignals(true).build().start();
        synchronized (out) {
            out.println("ready");
            out.flush();
        }
        worker.awaitTermination();
        pq.close();
    }
}
