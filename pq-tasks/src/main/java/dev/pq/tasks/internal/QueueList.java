package dev.pq.tasks.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A worker's queue list in priority order (Resque): names, {@code *} for every queue
 * (alphabetically), globs such as {@code file_*}, and exclusions {@code !low}, {@code !file_*}
 * that apply wherever they stand in the list.
 */
public final class QueueList {
    private final List<String> entries;
    private final List<Pattern> include = new ArrayList<>();
    private final List<Boolean> literal = new ArrayList<>();
    private final List<Pattern> exclude = new ArrayList<>();

    public QueueList(List<String> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("the queue list must not be empty: give queue names or *");
        }
        this.entries = List.copyOf(entries);
        for (String e : entries) {
            if (e == null || e.isEmpty() || e.equals("!")) {
                throw new IllegalArgumentException("queue list entries must be names, globs or !exclusions: \""
                        + e + "\" in " + entries);
            }
            if (e.startsWith("!")) {
                exclude.add(glob(e.substring(1)));
            } else {
                include.add(glob(e));
                literal.add(!e.contains("*") && !e.contains("?"));
            }
        }
        if (include.isEmpty()) {
            throw new IllegalArgumentException("the queue list has only exclusions: add * or queue names: " + entries);
        }
    }

    /** The list as given. */
    public List<String> entries() {
        return entries;
    }

    /** True if any entry is a glob, so the known queue names matter. */
    public boolean hasGlobs() {
        return literal.contains(false);
    }

    /** True if a job of {@code queue} can be worked by this list. */
    public boolean matches(String queue) {
        if (queue == null) {
            return true;
        }
        for (Pattern p : exclude) {
            if (p.matcher(queue).matches()) {
                return false;
            }
        }
        for (Pattern p : include) {
            if (p.matcher(queue).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The list's priority order of queues, as {@link #expand} lists them: by the first inclusion
     * a queue matches, then (among the queues of one glob) by name.
     */
    public Comparator<String> order() {
        Map<String, Integer> ranks = new ConcurrentHashMap<>();
        return Comparator.<String>comparingInt(q -> ranks.computeIfAbsent(q, this::entryOf))
                .thenComparing(q -> {
                    int e = ranks.computeIfAbsent(q, this::entryOf);
                    return e < literal.size() && literal.get(e) ? "" : q;
                });
    }

    private int entryOf(String queue) {
        for (int i = 0; i < include.size(); i++) {
            if (include.get(i).matcher(queue).matches()) {
                return i;
            }
        }
        return include.size();
    }

    /** The concrete queues to read, in priority order, given the queue names known to have jobs. */
    public List<String> expand(Collection<String> known) {
        Set<String> sorted = new TreeSet<>(known);
        Set<String> out = new LinkedHashSet<>();
        int lit = 0;
        for (String e : entries) {
            if (e.startsWith("!")) {
                continue;
            }
            Pattern p = include.get(lit);
            if (literal.get(lit)) {
                out.add(e);
            } else {
                for (String q : sorted) {
                    if (p.matcher(q).matches()) {
                        out.add(q);
                    }
                }
            }
            lit++;
        }
        out.removeIf(q -> exclude.stream().anyMatch(x -> x.matcher(q).matches()));
        return List.copyOf(out);
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return String.join(",", entries);
    }
}
