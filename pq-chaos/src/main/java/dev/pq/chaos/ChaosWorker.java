package dev.pq.chaos;

import dev.pq.PQ;
import dev.pq.harness.ProcessTools;
import dev.pq.tasks.Tasks;
import dev.pq.tasks.Worker;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process of the chaos suite, started by the harness as a child JVM ({@link Fleet}): pq's
 * {@link Worker} running {@link LedgerJob}s, over a pool PQ owns (workers + 4 connections).
 *
 * <pre>
 * java -cp ... dev.pq.chaos.ChaosWorker url=jdbc:postgresql://...&amp;ApplicationName=chaos-worker-w1 \
 *     ledger=jdbc:postgresql://...&amp;ApplicationName=chaos-ledger label=w1 workers=4 poll=5000 \
 *     parent=1234 heapEvery=0
 * </pre>
 *
 * It records in {@code ledger.processes} when its worker has started, samples its heap after a
 * full GC every {@code heapEvery} seconds (0: never), closes gracefully on SIGTERM, and halts if
 * the harness process {@code parent} disappears, so no worker outlives a killed harness.
 */
public final class ChaosWorker {
    private static final Logger log = LoggerFactory.getLogger(ChaosWorker.class);

    private ChaosWorker() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : argv) {
            int eq = s.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("arguments are key=value: " + s);
            }
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        String label = required(a, "label");
        int workers = Integer.parseInt(a.getOrDefault("workers", "4"));
        Duration poll = Duration.ofMillis(Long.parseLong(a.getOrDefault("poll", "5000")));
        long parent = Long.parseLong(a.getOrDefault("parent", "0"));
        long heapEvery = Long.parseLong(a.getOrDefault("heapEvery", "0"));
        if (parent > 0) {
            ProcessTools.haltWhenGone(parent, "chaos-parent-watch");
        }
        RunLog ledger = new RunLog(required(a, "ledger"), label);
        PQ pq = PQ.builder().url(required(a, "url")).poolSize(workers + 4).build();
        Tasks tasks = Tasks.create(pq);
        tasks.register(new LedgerJob(ledger));
        Worker worker = Worker.builder(tasks).workerCount(workers).pollInterval(poll)
                .heartbeatInterval(Duration.ofMillis(200)).handleSignals(true).build().start();
        ledger.ready();
        log.info("chaos worker {} ready: pid={} worker={} threads={} poll={}", label, ProcessHandle.current().pid(),
                worker.id(), workers, poll);
        ScheduledExecutorService sampler = null;
        if (heapEvery > 0) {
            sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "chaos-heap");
                t.setDaemon(true);
                return t;
            });
            sampler.scheduleAtFixedRate(() -> sampleHeap(ledger), heapEvery, heapEvery, TimeUnit.SECONDS);
        }
        worker.awaitTermination();
        if (sampler != null) {
            sampler.shutdownNow();
        }
        pq.close();
        ledger.close();
        log.info("chaos worker {} exits: processed={} failed={}", label, worker.processed(), worker.failed());
    }

    private static void sampleHeap(RunLog ledger) {
        try {
            System.gc(); // the live set, not the saw-tooth of garbage: a leak shows as a rising floor
            ledger.heap(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        } catch (Exception e) {
            log.debug("heap sample not recorded: {}", e.toString());
        }
    }

    private static String required(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing argument " + key + "=...");
        }
        return v;
    }
}
