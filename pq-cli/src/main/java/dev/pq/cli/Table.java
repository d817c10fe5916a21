package dev.pq.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table: a header, a rule, aligned columns (numbers to the right). */
final class Table {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private final String[] headers;
    private final boolean[] numeric;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = headers.clone();
        this.numeric = new boolean[headers.length];
        Arrays.fill(numeric, true);
    }

    /** Adds a row; numbers are right-aligned, instants printed in UTC, nulls as "-". */
    Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.length);
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            Object c = cells[i];
            if (!(c instanceof Number) && c != null) {
                numeric[i] = false;
            }
            r[i] = c == null ? "-" : c instanceof Instant t ? time(t) : c.toString();
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        int[] width = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            width[i] = headers[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        line(out, headers, width);
        String[] rule = new String[headers.length];
        for (int i = 0; i < rule.length; i++) {
            rule[i] = "-".repeat(width[i]);
        }
        line(out, rule, width);
        for (String[] r : rows) {
            line(out, r, width);
        }
    }

    private void line(PrintWriter out, String[] cells, int[] width) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                s.append("  ");
            }
            String pad = " ".repeat(width[i] - cells[i].length());
            boolean last = i == cells.length - 1;
            if (numeric[i] && !rows.isEmpty()) {
                s.append(pad).append(cells[i]);
            } else {
                s.append(cells[i]).append(last ? "" : pad);
            }
        }
        out.println(s.toString().stripTrailing());
    }

    /** An instant as {@code 2024-05-01 12:00:00Z}. */
    static String time(Instant t) {
        return TIME.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** {@code text} on one line, cut to {@code max} characters with an ellipsis. */
    static String abbreviate(String text, int max) {
        if (text == null) {
            return null;
        }
        String one = text.replaceAll("\\s+", " ").strip();
        return one.length() <= max ? one : one.substring(0, max - 3) + "...";
    }
}
