package dev.photoqueue.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The figures of several measured rounds: median, min and max, and how many rounds there were. */
record Stats(double median, double min, double max, int rounds) {

    static Stats of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no measured rounds");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
    }

    static Stats single(double value) {
        return new Stats(value, value, value, 1);
    }
}
