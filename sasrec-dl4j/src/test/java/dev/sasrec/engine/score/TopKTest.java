package dev.sasrec.engine.score;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void theHeapsThresholdIsMinusInfinityUntilFullThenItsLowestScore() {
        TopK.Heap heap = new TopK.Heap(3);
        assertEquals(Float.NEGATIVE_INFINITY, heap.threshold());
        heap.offer(1, -5f);
        heap.offer(2, -7f);
        heap.offer(9, Float.NaN);
        assertEquals(Float.NEGATIVE_INFINITY, heap.threshold(), "two of three places taken (NaN is ignored)");
        heap.offer(3, -6f);
        assertEquals(-7f, heap.threshold(), "full: the lowest score kept");
        heap.offer(4, -1f);
        assertEquals(-6f, heap.threshold());
        heap.offer(5, -6f);
        assertEquals(-6f, heap.threshold(), "a tie does not displace the smaller id");
        TopK.Selection s = heap.result();
        assertArrayEquals(new int[]{4, 1, 3}, s.items());
        assertArrayEquals(new float[]{-1f, -5f, -6f}, s.scores());
    }
}
