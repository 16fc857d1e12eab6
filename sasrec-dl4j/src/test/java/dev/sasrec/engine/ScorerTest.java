package dev.sasrec.engine;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ScorerTest {

    @Test
    void blockwiseTopKEqualsAFullSortAcrossSeveralItemBlocks() {
        int numItems = 2 * Scorer.ITEM_BLOCK + 1234;
        SasRecConfig config = SasRecConfig.builder().hiddenUnits(8).maxLen(10).numBlocks(1).seed(9).build();
        Scorer scorer = SasRecNetwork.initialise(config, numItems).newScorer();
        int[][] histories = {{5, 9000, 17000, numItems}, {1}, {numItems - 1, 8192, 8193}};
        float[] all = scorer.scores(histories).data().asFloat();
        for (boolean exclude : new boolean[]{true, false}) {
            TopK top = scorer.recommend(histories, 25, exclude);
            for (int b = 0; b < histories.length; b++) {
                int row = b;
                int[] seen = Scorer.sortedDistinct(histories[b]);
                int[] expected = IntStream.rangeClosed(1, numItems)
                        .filter(i -> !exclude || Arrays.binarySearch(seen, i) < 0).boxed()
                        .sorted(Comparator.<Integer>comparingDouble(i -> -all[row * (numItems + 1) + i]).thenComparingInt(i -> i))
                        .limit(25).mapToInt(Integer::intValue).toArray();
                assertArrayEquals(expected, top.items()[b], "history " + b + ", exclude " + exclude);
                for (int j = 0; j < expected.length; j++) {
                    assertEquals(all[row * (numItems + 1) + expected[j]], top.scores()[b][j], 1e-5);
                }
            }
        }
    }
}
