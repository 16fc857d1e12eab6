package dev.sasrec.engine;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class TopKTest {

    @Test
    void matchesAFullSortSkippingPaddingAndExcludedItems() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            int len = 2 + rnd.nextInt(300);
            float[] row = new float[len + 5];
            for (int i = 0; i < row.length; i++) {
                row[i] = rnd.nextInt(20) / 4f;   // many ties
            }
            int[] excluded = IntStream.range(1, len).filter(i -> rnd.nextInt(5) == 0).sorted().toArray();
            int k = 1 + rnd.nextInt(15);
            TopK.Selection sel = TopK.select(row, 5, len, k, excluded);
            int[] expected = IntStream.range(1, len)
                    .filter(i -> Arrays.binarySearch(excluded, i) < 0)
                    .boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -row[5 + i]).thenComparingInt(i -> i))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, sel.items(), "trial " + trial);
            for (int j = 0; j < expected.length; j++) {
                org.junit.jupiter.api.Assertions.assertEquals(row[5 + expected[j]], sel.scores()[j]);
            }
        }
    }
}
