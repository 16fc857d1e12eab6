package dev.sasrec.engine.internal;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The softmax exponentials against {@link Math#exp}: their error bounds, their range, their sum. */
class ExponentialsTest {

    @Test
    void withinTheDocumentedErrorOfExpOverASoftmaxRange() {
        int n = 200_001;
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = 7f - 100f * i / (n - 1); // shifted by 7: arguments from 0 down to -100
        }
        float[] x = values.clone();
        double sum = Exponentials.expMinus(values, 0, n, 7f);
        double exactSum = 0;
        double worstAbsolute = 0;
        double worstRelativeNearZero = 0;
        double worstRelative = 0;
        for (int i = 0; i < n; i++) {
            double exact = Math.exp((double) x[i] - 7f);
            exactSum += exact;
            double error = Math.abs(values[i] - exact);
            worstAbsolute = Math.max(worstAbsolute, error);
            if ((double) x[i] - 7f >= -80) {
                worstRelative = Math.max(worstRelative, error / exact);
            }
            if ((double) x[i] - 7f > -3) {
                worstRelativeNearZero = Math.max(worstRelativeNearZero, error / exact);
            }
            assertTrue(values[i] >= 0, "exp of " + (x[i] - 7f) + " is " + values[i]);
        }
        assertTrue(worstAbsolute < 1e-6, "absolute error " + worstAbsolute);
        assertTrue(worstRelativeNearZero < 2e-6, "relative error above -3: " + worstRelativeNearZero);
        assertTrue(worstRelative < 3e-4, "relative error from -80 to 0: " + worstRelative);
        assertEquals(1f, Exponentials.expMinus(new float[]{2.5f}, 0, 1, 2.5f), 0, "exp(0) is exactly 1");
        assertEquals(exactSum, sum, 1e-6 * exactSum, "the returned sum");
        double added = 0;
        for (float v : values) {
            added += v;
        }
        assertEquals(added, sum, 1e-7 * added, "the returned sum of the results");
    }

    @Test
    void touchesOnlyItsRangeAndSumsItExactlyAsTheValuesAdd() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] values = new float[1037];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (rnd.nextGaussian() * 10);
        }
        float[] before = values.clone();
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 13; i < 1000; i++) {
            max = Math.max(max, values[i]);
        }
        double sum = Exponentials.expMinus(values, 13, 1000, max);
        double added = 0;
        for (int i = 0; i < values.length; i++) {
            if (i < 13 || i >= 1000) {
                assertEquals(before[i], values[i], 0, "outside the range, index " + i);
            } else {
                assertEquals(Math.exp((double) before[i] - max), values[i], 1e-6, "index " + i);
                added += values[i];
            }
        }
        assertEquals(added, sum, 1e-7 * added, "the sum of the range");
        float[] again = before.clone();
        Exponentials.expMinus(again, 13, 1000, max);
        assertArrayEquals(values, again, "the same inputs give the same bits");
    }

    @Test
    void argumentsFarBelowTheRangeGiveExpOfItsLowerEnd() {
        float[] values = {-80f, -200f, -1e30f, Float.NEGATIVE_INFINITY};
        Exponentials.expMinus(values, 0, values.length, 0f);
        for (float v : values) {
            assertEquals(Math.exp(-80), v, 3e-4 * Math.exp(-80), "exp far below the range");
        }
    }
}
