package dev.pq.tasks.internal;

import dev.pq.tasks.Limit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A worker's limits, by queue: its concurrency limit (one per queue), the rate its starts count
 * against, and this process's cap on its running jobs ({@code maxRunning}). Validated together
 * at {@code build()}.
 */
public final class Limits {
    /** What limits one queue. */
    public record OnQueue(Limit concurrency, Limit rate, int maxRunning) {
        /**
         * True if jobs of the queue may only be taken for a thread free now (no buffering ahead). A
         * rate alone buffers: a buffered job's grant is stamped again when it starts, so the window
         * still bounds starts (a grant waiting in the buffer only makes the rate stricter).
         */
        boolean startsNow() {
            return maxRunning > 0 || (concurrency != null && concurrency.task() == null);
        }
    }

    private final Map<String, OnQueue> byQueue;
    private final List<Limit> rates;
    private final Map<String, Integer> maxRunning;

    public Limits(List<Limit> limits, Map<String, Integer> maxRunning) {
        Map<String, Limit> conc = new LinkedHashMap<>();
        Map<String, Limit> rateOf = new LinkedHashMap<>();
        List<Limit> rates = new ArrayList<>();
        for (Limit l : Objects.requireNonNull(limits, "limits")) {
            if (l.isRate()) {
                for (Limit r : rates) {
                    if (r.name().equals(l.name())) {
                        throw new IllegalArgumentException("limit " + l.name() + " is given twice: give a rate's "
                                + "queues once, in one queues(...)");
                    }
                }
                rates.add(l);
                for (String q : l.queues()) {
                    Limit before = rateOf.put(q, l);
                    if (before != null) {
                        throw new IllegalArgumentException("queue " + q + " is in two rates (" + before.name() + ", "
                                + l.name() + "): a queue's starts count against at most one rate");
                    }
                }
            } else {
                Limit before = conc.put(l.queues().get(0), l);
                if (before != null) {
                    throw new IllegalArgumentException("queue " + l.queues().get(0) + " has two concurrency limits ("
                            + before + "; " + l + "): a queue takes one concurrency limit");
                }
            }
        }
        this.maxRunning = Map.copyOf(Objects.requireNonNull(maxRunning, "maxRunning"));
        this.maxRunning.forEach((q, n) -> {
            if (q.isEmpty() || q.contains("*") || q.contains("?") || q.startsWith("!")) {
                throw new IllegalArgumentException("maxRunning takes a plain queue name (no globs, no exclusions): "
                        + q);
            }
            if (n < 1 || n > 1_000) {
                throw new IllegalArgumentException("maxRunning for queue " + q + " must be between 1 and 1000: " + n);
            }
        });
        Map<String, OnQueue> by = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(conc.keySet());
        rateOf.keySet().forEach(q -> {
            if (!all.contains(q)) {
                all.add(q);
            }
        });
        this.maxRunning.keySet().forEach(q -> {
            if (!all.contains(q)) {
                all.add(q);
            }
        });
        for (String q : all) {
            by.put(q, new OnQueue(conc.get(q), rateOf.get(q), this.maxRunning.getOrDefault(q, 0)));
        }
        this.byQueue = Map.copyOf(by);
        this.rates = List.copyOf(rates);
    }

    /** True if no limit is configured (the worker then runs exactly the unlimited statements). */
    public boolean none() {
        return byQueue.isEmpty();
    }

    /** The limits of {@code queue}, or null if it has none. */
    public OnQueue of(String queue) {
        return byQueue.get(queue);
    }

    /** True if any of {@code queues} is limited. */
    public boolean anyLimited(List<String> queues) {
        for (String q : queues) {
            if (byQueue.containsKey(q)) {
                return true;
            }
        }
        return false;
    }

    /** The rate limits. */
    public List<Limit> rates() {
        return rates;
    }

    @Override
    public String toString() {
        List<String> out = new ArrayList<>();
        byQueue.forEach((q, l) -> out.add(q + "=" + (l.concurrency() != null ? l.concurrency() : "")
                + (l.rate() != null ? " " + l.rate().name() : "") + (l.maxRunning() > 0 ? " maxRunning " + l.maxRunning() : "")));
        return out.toString();
    }
}
