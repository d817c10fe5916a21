package dev.pq.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The summary of a scenario's measured repeats.
 *
 * @param median the median value
 * @param min    the lowest
 * @param max    the highest
 * @param spread (max - min) / median, as a fraction
 */
record Stats(double median, double min, double max, double spread) {

    static Stats of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return new Stats(0, 0, 0, 0);
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        double min = v[0];
        double max = v[v.length - 1];
        return new Stats(median, min, max, median > 0 ? (max - min) / median : 0);
    }

    @Override
    public String toString() {
        return "Stats" + Arrays.toString(new double[] {median, min, max, spread});
    }
}
