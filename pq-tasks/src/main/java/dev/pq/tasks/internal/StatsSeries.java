package dev.pq.tasks.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A worker's stats over time, gathered in memory as runs end (a map lookup and a few adds per
 * job, no database work) and written by the heartbeat in one statement for every bucket it holds,
 * by minute and by hour. Once a minute the heartbeat also prunes old buckets and, if no worker
 * did yet, samples the queue depth.
 */
public final class StatsSeries {
    /**
     * Histogram bins, half an octave each over microseconds: bin i (from 1) counts durations in
     * [2^((i-1)/2), 2^(i/2)) µs, bin 0 those under 1 µs, the last everything from about 38 h.
     */
    public static final int BINS = 75;

    /** How a run ended, as the series counts it. */
    public enum Outcome { DONE, FAILED, CANCELLED }

    private record Key(long bucket, String queue, String task) {
    }

    /** A bucket's counts; every field striped (LongAdder), so threads ending runs at once do not contend. */
    private static final class Cell {
        final LongAdder processed = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder cancelled = new LongAdder();
        final LongAdder[] waits = adders();
        final LongAdder[] runs = adders();

        private static LongAdder[] adders() {
            LongAdder[] a = new LongAdder[BINS];
            for (int i = 0; i < BINS; i++) {
                a[i] = new LongAdder();
            }
            return a;
        }
    }

    /** What a flush read of one cell (and subtracted from it). */
    private record Taken(Key key, Cell cell, long processed, long failed, long cancelled, long[] waits, long[] runs) {
        void putBack() {
            cell.processed.add(processed);
            cell.failed.add(failed);
            cell.cancelled.add(cancelled);
            for (int i = 0; i < BINS; i++) {
                cell.waits[i].add(waits[i]);
                cell.runs[i].add(runs[i]);
            }
        }
    }

    private final Map<Key, Cell> cells = new ConcurrentHashMap<>();
    private final Duration minuteRetention;
    private final Duration hourRetention;

    public StatsSeries(Duration minuteRetention, Duration hourRetention) {
        this.minuteRetention = minuteRetention;
        this.hourRetention = hourRetention;
    }

    private static final double SQRT2 = Math.sqrt(2);

    /** The bin of a duration of {@code micros} microseconds. */
    public static int bin(long micros) {
        if (micros < 1) {
            return 0;
        }
        int octave = 63 - Long.numberOfLeadingZeros(micros); // floor(log2)
        int half = micros >= (1L << octave) * SQRT2 ? 1 : 0;
        return Math.min(BINS - 1, 1 + 2 * octave + half);
    }

    /** The upper bound of bin {@code i}, in microseconds (what a percentile in it is reported as). */
    public static double upperMicros(int i) {
        return i == 0 ? 1 : Math.pow(2, i / 2.0);
    }

    /** A run of {@code job} that started at {@code started} ended now, as {@code outcome}: a map lookup and a few adds, no lock. */
    public void record(LockedJob job, Instant started, Outcome outcome) {
        Instant now = Instant.now();
        long waitUs = Math.max(0, ChronoUnit.MICROS.between(job.readyAt(), started));
        long runUs = Math.max(0, ChronoUnit.MICROS.between(started, now));
        Key key = new Key(now.getEpochSecond() / 60 * 60, job.queue(), job.task() == null ? "" : job.task());
        Cell c = cells.computeIfAbsent(key, k -> new Cell());
        c.processed.increment();
        if (outcome == Outcome.FAILED) {
            c.failed.increment();
        } else if (outcome == Outcome.CANCELLED) {
            c.cancelled.increment();
        }
        c.waits[bin(waitUs)].increment();
        c.runs[bin(runUs)].increment();
    }

    /** One row to write: a bucket of {@code span} seconds. */
    private static final class Row {
        final int span;
        final long bucket;
        final String queue;
        final String task;
        long processed;
        long failed;
        long cancelled;
        final long[] waits = new long[BINS];
        final long[] runs = new long[BINS];

        Row(int span, long bucket, String queue, String task) {
            this.span = span;
            this.bucket = bucket;
            this.queue = queue;
            this.task = task;
        }

        void add(long p, long f, long c, long[] w, long[] r) {
            processed += p;
            failed += f;
            cancelled += c;
            for (int i = 0; i < BINS; i++) {
                waits[i] += w[i];
                runs[i] += r[i];
            }
        }
    }

    /**
     * Writes what every bucket gathered since the last flush (one statement). What is written is
     * subtracted from the cells, so runs ending meanwhile stay for the next flush; on failure it
     * is added back. Cells of minutes past are dropped once empty (a minute later, when no run
     * can still be adding to them).
     */
    public void flush(TasksDb db, Connection c) throws SQLException {
        List<Taken> taken = new ArrayList<>();
        long current = System.currentTimeMillis() / 60_000 * 60;
        for (Map.Entry<Key, Cell> e : cells.entrySet()) {
            Cell cell = e.getValue();
            long p = cell.processed.sum();
            if (p == 0) {
                if (e.getKey().bucket() < current - 60) {
                    cells.remove(e.getKey(), cell);
                }
                continue;
            }
            long f = cell.failed.sum();
            long x = cell.cancelled.sum();
            long[] w = take(cell.waits);
            long[] r = take(cell.runs);
            cell.processed.add(-p);
            cell.failed.add(-f);
            cell.cancelled.add(-x);
            taken.add(new Taken(e.getKey(), cell, p, f, x, w, r));
        }
        if (taken.isEmpty()) {
            return;
        }
        Map<Key, Row> minutes = new HashMap<>();
        Map<Key, Row> hours = new HashMap<>();
        for (Taken t : taken) {
            Key k = t.key();
            minutes.computeIfAbsent(k, q -> new Row(60, k.bucket(), k.queue(), k.task()))
                    .add(t.processed(), t.failed(), t.cancelled(), t.waits(), t.runs());
            Key hour = new Key(k.bucket() / 3600 * 3600, k.queue(), k.task());
            hours.computeIfAbsent(hour, q -> new Row(3600, hour.bucket(), k.queue(), k.task()))
                    .add(t.processed(), t.failed(), t.cancelled(), t.waits(), t.runs());
        }
        List<Row> rows = new ArrayList<>(minutes.values());
        rows.addAll(hours.values());
        try {
            write(db, c, rows);
        } catch (SQLException | RuntimeException e) {
            taken.forEach(Taken::putBack);
            throw e;
        }
    }

    private static long[] take(LongAdder[] bins) {
        long[] out = new long[BINS];
        for (int i = 0; i < BINS; i++) {
            out[i] = bins[i].sum();
            bins[i].add(-out[i]);
        }
        return out;
    }

    private static void write(TasksDb db, Connection c, List<Row> rows) throws SQLException {
        int n = rows.size();
        Object[] spans = new Object[n];
        Object[] buckets = new Object[n];
        Object[] queues = new Object[n];
        Object[] tasks = new Object[n];
        Object[] processed = new Object[n];
        Object[] failed = new Object[n];
        Object[] cancelled = new Object[n];
        Object[] waits = new Object[n];
        Object[] runs = new Object[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            spans[i] = r.span;
            buckets[i] = java.time.OffsetDateTime.ofInstant(Instant.ofEpochSecond(r.bucket), java.time.ZoneOffset.UTC);
            queues[i] = r.queue;
            tasks[i] = r.task;
            processed[i] = r.processed;
            failed[i] = r.failed;
            cancelled[i] = r.cancelled;
            waits[i] = literal(r.waits);
            runs[i] = literal(r.runs);
        }
        try (PreparedStatement ps = c.prepareStatement(db.seriesSql().addSeries)) {
            ps.setArray(1, c.createArrayOf("integer", spans));
            ps.setArray(2, c.createArrayOf("timestamptz", buckets));
            ps.setArray(3, c.createArrayOf("text", queues));
            ps.setArray(4, c.createArrayOf("text", tasks));
            ps.setArray(5, c.createArrayOf("bigint", processed));
            ps.setArray(6, c.createArrayOf("bigint", failed));
            ps.setArray(7, c.createArrayOf("bigint", cancelled));
            ps.setArray(8, c.createArrayOf("text", waits));
            ps.setArray(9, c.createArrayOf("text", runs));
            ps.executeUpdate();
        }
    }

    /** Prunes buckets past their retention and samples the depth if this minute has no sample yet. */
    public void maintain(TasksDb db, Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.seriesSql().pruneSeries)) {
            ps.setLong(1, minuteRetention.toSeconds());
            ps.setLong(2, hourRetention.toSeconds());
            ps.setLong(3, minuteRetention.toSeconds());
            ps.setLong(4, hourRetention.toSeconds());
            ps.executeQuery().close();
        }
        try (PreparedStatement ps = c.prepareStatement(db.seriesSql().sampleDepth)) {
            ps.executeUpdate();
        }
    }


    private static String literal(long[] a) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < a.length; i++) {
            b.append(i == 0 ? "" : ",").append(a[i]);
        }
        return b.append('}').toString();
    }
}
