package dev.pq.chaos;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The results of a run as Markdown: the machine, one row per scenario, then each scenario's detail. */
final class ResultsTable {
    private ResultsTable() {
    }

    static String render(List<ScenarioResult> results, String scale, String pgVersion, Duration total) {
        StringBuilder s = new StringBuilder();
        s.append("# pq-chaos results\n\n");
        s.append(String.format("%s, scale %s, %s in all. Machine: %s.%n%n",
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")), scale,
                minutes(total), machine(pgVersion)));
        s.append("| scenario | enqueued | completed | lost | runs beyond one (at faults) | effects twice | failed "
                + "| recovery max | resumed | idle s | result |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|\n");
        for (ScenarioResult r : results) {
            LedgerFigures f = r.figures();
            s.append(String.format("| `%s` | %,d | %,d | %,d | %,d (%,d) | %,d | %,d | %s | %s | %s | %s |%n", r.id(),
                    f.enqueued(), f.completed(), f.lost(), f.extraRuns(), f.extraAtFaults(), f.doubleEffects(),
                    f.failedInQueue(), r.recovery() == null ? "" : r.recovery().maxMs() < 0 ? "never"
                            : r.recovery().maxMs() + " ms",
                    r.recovery() == null ? "" : r.recovery().allResumed() ? "yes" : "**no**",
                    r.idle() == null ? "" : Integer.toString(r.idle().total()), r.pass() ? "PASS" : "**FAIL**"));
        }
        s.append("\n");
        for (ScenarioResult r : results) {
            s.append(detail(r)).append('\n');
        }
        return s.toString();
    }

    /** One scenario in full: title, verdict with reasons, notes, repeats, where its logs are. */
    static String detail(ScenarioResult r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("### `%s`: %s%n%n", r.id(), r.pass() ? "PASS" : "FAIL"));
        s.append(r.title()).append(String.format(" (%.0f s).%n%n", r.elapsed().toMillis() / 1e3));
        for (Verdict.Check c : r.verdict().checks()) {
            s.append("- ").append(c.pass() ? "ok" : "**FAIL**").append(": ").append(c.name()).append(" — ")
                    .append(c.detail()).append('\n');
        }
        for (String n : r.notes()) {
            s.append("- ").append(n).append('\n');
        }
        LedgerFigures f = r.figures();
        s.append(String.format("- ledger: %,d runs recorded; %,d rows marked failed in the queue%n", f.runs(),
                f.failedInQueue()));
        if (!f.repeats().isEmpty()) {
            s.append("- jobs run more than once (first ").append(f.repeats().size()).append("):\n");
            f.repeats().forEach(x -> s.append("  - ").append(x).append('\n'));
        }
        if (!f.doubles().isEmpty()) {
            s.append("- effects committed twice (first rows):\n");
            f.doubles().forEach(x -> s.append("  - ").append(x).append('\n'));
        }
        if (!f.errors().isEmpty() && (!r.pass() || f.failedInQueue() > 0)) {
            s.append("- errors pq recorded on jobs:\n");
            f.errors().forEach(x -> s.append("  - ").append(x.replace('\n', ' ')).append('\n'));
        }
        if (r.logs() != null) {
            s.append("- logs kept in `").append(r.logs()).append("`\n");
        }
        return s.toString();
    }

    static String machine(String pgVersion) {
        long ram = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    ram = Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1048576.0);
                }
            }
        } catch (Exception e) {
            ram = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize() >> 30;
        }
        return String.format("%d cores, %d GB RAM, %s %s (%s), PostgreSQL %s (the suite's own cluster, loopback)",
                Runtime.getRuntime().availableProcessors(), ram, System.getProperty("java.vm.name"),
                System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                pgVersion);
    }

    private static String minutes(Duration d) {
        return String.format("%d min %02d s", d.toMinutes(), d.toSecondsPart());
    }
}
