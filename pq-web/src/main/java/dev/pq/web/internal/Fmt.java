package dev.pq.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Values as the pages show them: times in UTC, ages, durations, payloads. Templates escape the results. */
final class Fmt {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Fmt() {
    }

    /** A map of alternating keys and values, in order (a template's scope). */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    /** "12 s ago", "3 min ago", "in 2 h". */
    static String ago(Instant t, Instant now) {
        if (t == null) {
            return "";
        }
        Duration d = Duration.between(t, now);
        return d.isNegative() ? "in " + span(d.negated()) : span(d) + " ago";
    }

    static String span(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        if (s < 2 * 86400) {
            return s / 3600 + " h";
        }
        return s / 86400 + " d";
    }

    /** A latency: "850 µs", "12 ms", "1.4 s", "3 min". */
    static String duration(Duration d) {
        if (d == null) {
            return "";
        }
        long us = d.toNanos() / 1000;
        if (us < 1000) {
            return us + " µs";
        }
        if (us < 10_000) {
            return String.format("%.1f ms", us / 1000.0);
        }
        if (us < 1_000_000) {
            return us / 1000 + " ms";
        }
        if (us < 60_000_000) {
            return String.format("%.1f s", us / 1e6);
        }
        return span(d);
    }

    /** A payload as the dashboard shows it: JSON indented, binary as its size. */
    static String payload(String json, int binaryLength) {
        if (json == null) {
            return binaryLength >= 0 ? "binary, " + binaryLength + " bytes" : "(none)";
        }
        try {
            return JSON.writeValueAsString(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            return json;
        }
    }

    /** The first line of an error message, cut to {@code max} characters. */
    static String firstLine(String s, int max) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > max ? line.substring(0, max - 1) + "…" : line;
    }
}
