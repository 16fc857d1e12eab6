package dev.sasrec.engine.eval;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The most-popular baseline ranked by hand: items scored by their occurrences, the history left out under the
 * full protocol, ties counted against the true item.
 */
class MostPopularTest {

    /** Occurrences: item 1 x4, item 2 x3, item 3 x3, item 4 x1, item 5 x0. */
    private static final int[][] TRAINING = {{1, 2, 1}, {1, 3, 2}, {3, 1, 2, 3, 4}};
    private static final MostPopular BASELINE = MostPopular.of(TRAINING, 5);

    @Test
    void fullRanksCountMorePopularUnseenItemsAndTies() {
        int[][] histories = {{4}, {1}, {2, 4}, {}};
        int[] targets = {2, 4, 5, 1};
        // 2 (3): above it 1 (4) and 3 (3, a tie); 4 seen -> 2.  4 (1): 2, 3 above; 1 seen -> 2.
        // 5 (0): 1, 3 above; 2 and 4 seen -> 2.  1 (4): nothing above -> 0.
        assertArrayEquals(new int[]{2, 2, 2, 0}, Ranks.full(BASELINE, histories, targets));
    }

    @Test
    void sampledRanksCountNegativesScoringAtLeastTheTarget() {
        int[][] histories = {{5}, {5}};
        int[] targets = {2, 4};
        int[][] negatives = {{1, 4, 4, 3}, {5, 5, 3}};
        assertArrayEquals(new int[]{2, 1}, Ranks.sampled(BASELINE, histories, targets, negatives));
    }

    @Test
    void negativesAreTheSameForTheSameUserWhateverTheOrder() {
        int[] first = Ranks.negativesFor(7, new int[]{3, 1, 2}, 4, 50);
        assertEquals(Ranks.SAMPLED_NEGATIVES, first.length);
        assertArrayEquals(first, Ranks.negativesFor(7, new int[]{3, 1, 2}, 4, 50));
        for (int n : first) {
            assertTrue(n > 4 && n <= 50, "negative " + n + " was interacted with or is outside the catalogue");
        }
        assertFalse(Arrays.equals(first, Ranks.negativesFor(8, new int[]{3, 1, 2}, 4, 50)), "another seed, other negatives");
    }

    @Test
    void anItemOutsideTheCatalogueIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MostPopular.of(new int[][]{{1, 9}}, 5));
        assertEquals("item index 9 is outside the catalogue 1..5", e.getMessage());
    }
}
