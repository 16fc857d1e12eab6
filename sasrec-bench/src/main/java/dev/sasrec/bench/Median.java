package dev.sasrec.bench;

import java.util.Arrays;

/** The median of a benchmark's repeated measurements. */
final class Median {

    private Median() {
    }

    /** The middle value of {@code values} (the mean of the two middle ones for an even count); NaN for none. */
    static double of(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
