package dev.sasrec.engine.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sparse item-row gradients: one row per distinct item, growing past their first capacity, cleared for reuse. */
class ItemRowGradientsTest {

    @Test
    void rowsAddUpPerItemAcrossGrowthAndClearing() {
        int d = 20;
        int items = 150;
        ItemRowGradients g = new ItemRowGradients(items, d);
        float[] expected = new float[(items + 1) * d];
        float[] source = new float[3 * d];
        for (int i = 0; i < source.length; i++) {
            source[i] = i * 0.25f - 3;
        }
        for (int round = 0; round < 2; round++) {
            java.util.Arrays.fill(expected, 0f);
            // 100 distinct items (more than the first 64 rows), some of them several times.
            for (int k = 0; k < 300; k++) {
                int item = 1 + (k * 37 + round) % 100;
                float scale = (k % 7) - 3;
                g.add(item, source, (k % 3) * d, scale);
                for (int j = 0; j < d; j++) {
                    expected[item * d + j] += scale * source[(k % 3) * d + j];
                }
            }
            assertEquals(100, g.count(), "distinct items in round " + round);
            float[] table = new float[(items + 1) * d];
            g.addTo(table);
            assertArrayEquals(expected, table, 1e-4f, "round " + round);
            for (int i = 0; i < g.count(); i++) {
                int item = g.item(i);
                for (int j = 0; j < d; j++) {
                    assertEquals(expected[item * d + j], g.rows()[i * d + j], 1e-4f);
                }
            }
            g.clear();
            assertEquals(0, g.count(), "cleared");
        }
    }
}
