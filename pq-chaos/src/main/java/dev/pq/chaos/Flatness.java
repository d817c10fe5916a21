package dev.pq.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Whether a series sampled over a soak stayed flat: the median of its last quarter must not
 * exceed the maximum of its first quarter by more than {@code relative} of it plus
 * {@code absolute}. A leak or unbounded growth shows as a late median above the early maximum;
 * noise and saw-teeth (GC, vacuum) stay within it.
 *
 * @param what     what was sampled, for the report
 * @param early    the first quarter's maximum
 * @param late     the last quarter's median
 * @param limit    the largest late median that passes
 * @param samples  how many samples there were
 */
record Flatness(String what, double early, double late, double limit, int samples) {

    static Flatness of(String what, List<Double> series, double relative, double absolute) {
        if (series.size() < 8) {
            return new Flatness(what, 0, 0, -1, series.size());
        }
        int q = series.size() / 4;
        double early = Collections.max(series.subList(0, q));
        List<Double> last = new ArrayList<>(series.subList(series.size() - q, series.size()));
        Collections.sort(last);
        double late = last.get(last.size() / 2);
        return new Flatness(what, early, late, early * (1 + relative) + absolute, series.size());
    }

    boolean flat() {
        return limit >= 0 && late <= limit;
    }

    String describe(String unit, double scale) {
        if (limit < 0) {
            return what + ": only " + samples + " samples (need 8)";
        }
        return String.format("%s: first-quarter max %.1f%s, last-quarter median %.1f%s (limit %.1f%s, %d samples)", what,
                early / scale, unit, late / scale, unit, limit / scale, unit, samples);
    }
}
