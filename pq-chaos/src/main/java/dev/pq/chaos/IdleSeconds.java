package dev.pq.chaos;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whole seconds in which a worker process committed nothing although ready jobs no worker held
 * existed throughout that second (every sample of the second saw some). A worker counts from the
 * first whole second after its worker had started.
 *
 * @param byWorker     idle seconds per process label
 * @param seconds      the whole seconds looked at (from the first worker's start to the end)
 * @param examples     the first idle seconds, one line each
 * @param perSecond    per process, its completions in each second (the first 120), an idle one
 *                     marked {@code 0!}: the evidence
 */
record IdleSeconds(Map<String, Integer> byWorker, long seconds, List<String> examples, List<String> perSecond) {

    IdleSeconds {
        byWorker = Map.copyOf(byWorker);
        examples = List.copyOf(examples);
        perSecond = List.copyOf(perSecond);
    }

    int total() {
        return byWorker.values().stream().mapToInt(Integer::intValue).sum();
    }

    String describe() {
        return total() + " idle s (" + new TreeMap<>(byWorker).toString().replaceAll("[{}]", "") + ") of " + seconds
                + " s";
    }

    /** Counts over [from, to) for the processes {@code ready} (label → when its worker had started). */
    static IdleSeconds measure(Connection c, List<Sampler.Sample> samples, Map<String, Instant> ready, Instant from,
                               Instant to) throws SQLException {
        Map<String, Map<Long, Long>> perSecond = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LedgerSql.PER_SECOND)) {
            while (rs.next()) {
                perSecond.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getLong(2), rs.getLong(3));
            }
        }
        // per whole second: -1 no sample, 0 some sample saw no free ready job, 1 all saw some
        Map<Long, Integer> readyAll = new HashMap<>();
        for (Sampler.Sample s : samples) {
            long sec = s.at().getEpochSecond();
            int v = s.readyFree() > 0 ? 1 : 0;
            readyAll.merge(sec, v, Math::min);
        }
        Map<String, Integer> idle = new TreeMap<>();
        List<String> examples = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        long first = from.getEpochSecond() + 1;
        long last = to.getEpochSecond(); // exclusive: the second 'to' falls in is not whole
        for (Map.Entry<String, Instant> w : ready.entrySet()) {
            long start = Math.max(first, w.getValue().getEpochSecond() + 1);
            int n = 0;
            StringBuilder line = new StringBuilder(w.getKey() + " completions per second from "
                    + Instant.ofEpochSecond(start) + ":");
            for (long sec = start; sec < last; sec++) {
                boolean readyJobs = readyAll.getOrDefault(sec, 0) == 1;
                long done = perSecond.getOrDefault(w.getKey(), Map.of()).getOrDefault(sec, 0L);
                if (sec - start < 120) {
                    line.append(' ').append(done).append(readyJobs && done == 0 ? "!" : "");
                }
                if (readyJobs && done == 0) {
                    n++;
                    if (examples.size() < 10) {
                        examples.add(w.getKey() + " idle in " + Instant.ofEpochSecond(sec) + " with free ready jobs");
                    }
                }
            }
            idle.put(w.getKey(), n);
            lines.add(line.toString());
        }
        return new IdleSeconds(idle, Math.max(0, last - first), examples, lines);
    }
}
