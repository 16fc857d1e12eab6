package dev.sasrec.engine.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The fused Adam update against ND4J's Adam updater (exact mode), and the lazy mode's rule: item rows without
 * gradient keep their parameters and moments, everything else moves as in the exact update.
 */
class AdamUpdateTest {

    private static final int D = 3;
    /** Items 0 (padding) to 4, then 7 dense parameters. */
    private static final int ITEM_FLOATS = 5 * D;
    private static final int SIZE = ITEM_FLOATS + 7;

    @Test
    void exactModeMatchesNd4jAdam() {
        INDArray params = random(1, SIZE);
        params.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, D)).assign(0);
        INDArray reference = params.dup();
        INDArray state = Nd4j.create(DataType.FLOAT, 2 * SIZE);
        INDArray referenceState = Nd4j.create(DataType.FLOAT, 2 * SIZE);
        GradientUpdater nd4j = new Adam(0.01, 0.9, 0.98, 1e-8).instantiate(referenceState, true);
        AdamUpdate fused = new AdamUpdate(0.01, 0.9, 0.98, 1e-8, false, D, ITEM_FLOATS);
        for (int step = 0; step < 5; step++) {
            INDArray g = random(10 + step, SIZE);
            fused.apply(params, gradient(g, false), state, step, new ChangedRows(4));
            INDArray update = g.dup();
            nd4j.applyUpdater(update, step, 0);
            reference.subi(update);
            reference.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, D)).assign(0);
        }
        assertArrayEquals(reference.toFloatVector(), params.toFloatVector(), 1e-6f);
        // The moments agree everywhere but at the padding row, which the fused update leaves at zero.
        float[] expected = referenceState.toFloatVector();
        float[] actual = state.toFloatVector();
        for (int i = 0; i < 2 * SIZE; i++) {
            if (i % SIZE >= D) {
                assertEquals(expected[i], actual[i], 1e-6f, "moment " + i);
            } else {
                assertEquals(0f, actual[i], "padding row moment " + i);
            }
        }
    }

    @Test
    void lazyModeLeavesRowsWithoutGradientAsTheyAre() {
        INDArray start = random(2, SIZE);
        start.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, D)).assign(0);
        INDArray exact = start.dup();
        INDArray lazy = start.dup();
        INDArray exactState = Nd4j.create(DataType.FLOAT, 2 * SIZE);
        INDArray lazyState = Nd4j.create(DataType.FLOAT, 2 * SIZE);
        AdamUpdate exactAdam = new AdamUpdate(0.01, 0.9, 0.98, 1e-8, false, D, ITEM_FLOATS);
        AdamUpdate lazyAdam = new AdamUpdate(0.01, 0.9, 0.98, 1e-8, true, D, ITEM_FLOATS);
        // Step 1 touches items 1 and 2; step 2 touches item 1 only. Dense parameters have gradient in both.
        INDArray first = random(3, SIZE);
        zeroRows(first, 3, 4);
        INDArray second = random(4, SIZE);
        zeroRows(second, 2, 3, 4);
        INDArray listed = start.dup();
        INDArray listedState = Nd4j.create(DataType.FLOAT, 2 * SIZE);
        ChangedRows exactRows = new ChangedRows(4);
        ChangedRows lazyRows = new ChangedRows(4);
        ChangedRows listedRows = new ChangedRows(4);
        for (INDArray[] step : new INDArray[][]{{first}, {second}}) {
            int iteration = step[0] == first ? 0 : 1;
            exactAdam.apply(exact, gradient(step[0], false), exactState, iteration, exactRows);
            lazyAdam.apply(lazy, gradient(step[0], false), lazyState, iteration, lazyRows);
            lazyAdam.apply(listed, gradient(step[0], true), listedState, iteration, listedRows);
        }
        assertArrayEquals(new int[]{1, 2, 3, 4}, exactRows.sorted(), "an exact step moves every row");
        assertArrayEquals(new int[]{1, 2}, lazyRows.sorted(), "a lazy step moves the rows with gradient");
        assertArrayEquals(new int[]{1, 2}, listedRows.sorted());
        // Listing the rows a gradient holds changes the cost of a lazy step, not its result.
        assertArrayEquals(lazy.toFloatVector(), listed.toFloatVector());
        assertArrayEquals(lazyState.toFloatVector(), listedState.toFloatVector());
        float[] e = exact.toFloatVector();
        float[] l = lazy.toFloatVector();
        float[] s = start.toFloatVector();
        float[] lazyMoments = lazyState.toFloatVector();
        float[] exactMoments = exactState.toFloatVector();
        for (int i = 0; i < SIZE; i++) {
            int row = i < ITEM_FLOATS ? i / D : -1;
            if (row == 2) {
                // touched at step 1 only: exact Adam moves it again at step 2 on its first moment, lazy Adam does not
                assertNotEquals(e[i], l[i], "row 2, element " + i);
                assertEquals(lazyMoments[i] * 0.9f, exactMoments[i], 1e-6, "lazy first moment skipped one decay");
            } else if (row == 3 || row == 4) {
                assertEquals(s[i], l[i], "never touched: row " + row);
                assertEquals(0f, lazyMoments[i]);
                assertEquals(0f, lazyMoments[SIZE + i]);
            } else {
                assertEquals(e[i], l[i], 1e-7, "touched in every step, or dense: element " + i);
            }
        }
    }

    /**
     * {@code values} as a gradient over items 0..4: holding every row, or listing the rows with a nonzero value
     * (the padding row included, which the update must still leave at zero).
     */
    private static FlatGradient gradient(INDArray values, boolean listRows) {
        FlatGradient g = new FlatGradient(4, D, SIZE);
        if (!listRows) {
            g.values().assign(values);
            return g;
        }
        float[] v = values.toFloatVector();
        for (int row = 4; row >= 0; row--) {
            for (int j = 0; j < D; j++) {
                if (v[row * D + j] != 0f) {
                    g.addToRow(row, v, row * D);
                    break;
                }
            }
        }
        g.addToDense(Arrays.copyOfRange(v, 5 * D, SIZE));
        return g;
    }

    private static void zeroRows(INDArray g, int... rows) {
        for (int r : rows) {
            g.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(r * D, (r + 1) * D)).assign(0);
        }
    }

    private static INDArray random(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Nd4j.createFromArray(v);
    }
}
