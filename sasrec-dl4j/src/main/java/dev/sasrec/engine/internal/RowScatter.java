package dev.sasrec.engine.internal;

/** Adds gradients of looked-up item rows back into the rows of the item table they came from. */
public final class RowScatter {

    private RowScatter() {
    }

    /**
     * Adds row r of {@code rows} times {@code scale} into row {@code ids} (in row-major order over {@code ids}) of
     * {@code table}; id 0 (padding) is skipped.
     */
    public static void scatter(float[] table, float[] rows, int[][] ids, float scale, int d) {
        int r = 0;
        for (int[] row : ids) {
            for (int item : row) {
                if (item != 0) {
                    int dst = item * d;
                    int src = r * d;
                    for (int k = 0; k < d; k++) {
                        table[dst + k] += rows[src + k] * scale;
                    }
                }
                r++;
            }
        }
    }
}
