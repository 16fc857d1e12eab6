package dev.sasrec.engine.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dropout factors: 0 or 1 / (1 - rate), kept at the rate's complement, the same for the same key, and
 * independent across masks, histories, rows, columns and seeds (two independent masks agree on a unit with
 * probability keep^2 + drop^2).
 */
class DropoutMasksTest {

    private static final int UNITS = 200_000;

    @Test
    void factorsAreZeroOrTheInverseKeepRateAndKeepTheRatesComplement() {
        for (double rate : new double[]{0.1, 0.3, 0.5, 0.9}) {
            DropoutMasks masks = new DropoutMasks(7, rate);
            assertTrue(masks.active());
            float[] f = row(masks, DropoutMasks.hidden(0), 0, 0);
            int kept = 0;
            for (float v : f) {
                if (v != 0f) {
                    assertEquals((float) (1 / (1 - rate)), v, "rate " + rate);
                    kept++;
                }
            }
            // Binomial: the standard deviation of the kept fraction is below 0.0012 here; 5 of them.
            assertEquals(1 - rate, kept / (double) UNITS, 0.006, "kept fraction at rate " + rate);
        }
    }

    @Test
    void rateZeroKeepsEveryUnitAtFactorOne() {
        DropoutMasks masks = new DropoutMasks(7, 0);
        assertFalse(masks.active());
        for (float v : row(masks, DropoutMasks.embedding(), 3, 4)) {
            assertEquals(1f, v);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DropoutMasks(1, 1.0));
        assertTrue(e.getMessage().contains("dropout rate") && e.getMessage().contains("1.0")
                && e.getMessage().contains("[0, 1)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DropoutMasks(1, -0.1));
    }

    @Test
    void theSameKeyGivesTheSameFactors() {
        DropoutMasks a = new DropoutMasks(11, 0.4);
        DropoutMasks b = new DropoutMasks(11, 0.4);
        assertArrayEquals(row(a, DropoutMasks.attention(1, 2), 5, 6), row(b, DropoutMasks.attention(1, 2), 5, 6));
        float[] part = new float[10];
        a.fill(DropoutMasks.output(0), 2, 3, part, 0, 10);
        float[] whole = row(a, DropoutMasks.output(0), 2, 3);
        for (int c = 0; c < 10; c++) {
            assertEquals(whole[c], part[c], "column " + c + " does not depend on how many columns are filled");
        }
    }

    @Test
    void masksOfDifferentKeysAreIndependent() {
        DropoutMasks m = new DropoutMasks(5, 0.3);
        float[] base = row(m, DropoutMasks.hidden(0), 0, 0);
        long[] tensors = {DropoutMasks.embedding(), DropoutMasks.output(0), DropoutMasks.hidden(1),
                DropoutMasks.attention(0, 0), DropoutMasks.attention(0, 1), DropoutMasks.attention(1, 0)};
        for (long t : tensors) {
            assertIndependent(base, row(m, t, 0, 0), "mask " + t + " against hidden(0)");
        }
        float[] head0 = row(m, DropoutMasks.attention(0, 0), 0, 0);
        assertIndependent(head0, row(m, DropoutMasks.attention(0, 1), 0, 0), "two heads of a block");
        assertIndependent(head0, row(m, DropoutMasks.attention(1, 0), 0, 0), "one head of two blocks");
        assertIndependent(base, row(m, DropoutMasks.hidden(0), 1, 0), "two histories");
        assertIndependent(base, row(m, DropoutMasks.hidden(0), 0, 1), "two rows");
        assertIndependent(base, row(new DropoutMasks(6, 0.3), DropoutMasks.hidden(0), 0, 0), "two seeds");
        float[] shifted = new float[UNITS - 1];
        System.arraycopy(base, 1, shifted, 0, UNITS - 1);
        assertIndependent(java.util.Arrays.copyOf(base, UNITS - 1), shifted, "neighbouring columns");
    }

    private static void assertIndependent(float[] a, float[] b, String what) {
        int agree = 0;
        for (int i = 0; i < a.length; i++) {
            agree += (a[i] == 0f) == (b[i] == 0f) ? 1 : 0;
        }
        double expected = 0.7 * 0.7 + 0.3 * 0.3;
        assertEquals(expected, agree / (double) a.length, 0.006, what + ": agreement of two independent masks");
    }

    private static float[] row(DropoutMasks masks, long tensor, int history, int row) {
        float[] out = new float[UNITS];
        masks.fill(tensor, history, row, out, 0, UNITS);
        return out;
    }
}
