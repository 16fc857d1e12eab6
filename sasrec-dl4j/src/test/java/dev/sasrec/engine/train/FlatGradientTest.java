package dev.sasrec.engine.train;

import org.junit.jupiter.api.Test;

import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gradient built row by row (rows kept side by side) against the same values written into the flat vector:
 * sums, norms, scaling, clearing and the switch to holding every row give the same numbers.
 */
class FlatGradientTest {

    private static final int ITEMS = 9;
    private static final int D = 4;
    private static final int SIZE = (ITEMS + 1) * D + 6;

    @Test
    void rowsAddedOneByOneEqualTheFlatVector() {
        float[] expected = new float[SIZE];
        FlatGradient sparse = rowByRow(11, expected, 3, 7, 3, 1);
        assertFalse(sparse.allRows());
        assertEquals(3, sparse.rowCount(), "row 3 added twice is held once");
        assertEquals(squares(expected), sparse.squaredNorm(), 1e-9);

        sparse.scale(0.5f);
        for (int i = 0; i < SIZE; i++) {
            expected[i] *= 0.5f;
        }
        assertEquals(squares(expected), sparse.squaredNorm(), 1e-9);
        assertArrayEquals(expected, sparse.values().toFloatVector(), 1e-7f);
        assertTrue(sparse.allRows());
    }

    @Test
    void addScaledSumsRowByRowAndFlatGradientsAlike() {
        float[] left = new float[SIZE];
        float[] right = new float[SIZE];
        FlatGradient a = rowByRow(1, left, 2, 5);
        FlatGradient b = rowByRow(2, right, 5, 9);
        a.addScaled(b, 2f);
        FlatGradient flat = new FlatGradient(ITEMS, D, SIZE);
        flat.values().assign(Nd4j.createFromArray(left));
        flat.addScaled(rowByRow(2, new float[SIZE], 5, 9), 2f);
        float[] sum = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            sum[i] = left[i] + 2f * right[i];
        }
        assertEquals(3, a.rowCount());
        assertArrayEquals(sum, a.values().toFloatVector(), 1e-6f);
        assertArrayEquals(sum, flat.values().toFloatVector(), 1e-6f);
    }

    @Test
    void clearForgetsEveryRowAndTheDensePart() {
        FlatGradient g = rowByRow(3, new float[SIZE], 4, 6);
        g.clear();
        assertEquals(0, g.rowCount());
        assertEquals(0.0, g.squaredNorm());
        float[] expected = new float[SIZE];
        fill(g, 4, expected, 6, 8);
        assertEquals(2, g.rowCount());
        assertEquals(6, g.row(0));
        assertEquals(8, g.row(1));
        assertArrayEquals(expected, g.values().toFloatVector(), 0f);

        g.clear();
        assertFalse(g.allRows());
        assertEquals(0.0, g.squaredNorm(), "a cleared flat vector is zero");
    }

    /** A gradient holding {@code rows} and a dense part, its values also added into {@code flat}. */
    private static FlatGradient rowByRow(long seed, float[] flat, int... rows) {
        FlatGradient g = new FlatGradient(ITEMS, D, SIZE);
        fill(g, seed, flat, rows);
        return g;
    }

    /** Adds random values to {@code rows} (repeats add up) and the dense part of {@code g} and of {@code flat}. */
    private static void fill(FlatGradient g, long seed, float[] flat, int... rows) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int item : rows) {
            float[] row = new float[D];
            for (int j = 0; j < D; j++) {
                row[j] = (float) rnd.nextGaussian();
                flat[item * D + j] += row[j];
            }
            g.addToRow(item, row, 0);
        }
        float[] dense = new float[SIZE - (ITEMS + 1) * D];
        for (int j = 0; j < dense.length; j++) {
            dense[j] = (float) rnd.nextGaussian();
            flat[(ITEMS + 1) * D + j] += dense[j];
        }
        g.addToDense(dense);
    }

    private static double squares(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return sum;
    }
}
