package dev.sasrec.engine.loss;

import dev.sasrec.engine.internal.ItemSets;
import dev.sasrec.engine.model.SasRecConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The negatives the loss heads draw. */
class NegativeDrawsTest {

    private static final int NUM_ITEMS = 12;
    private static final SasRecConfig CONFIG = SasRecConfig.builder().set("hiddenUnits", 4).set("maxLen", 5).set("numNegatives", 7).build();

    @Test
    void bceNegativesAreUniformOverTheItemsTheUserNeverInteractedWith() {
        LossHead head = Loss.BCE.head(CONFIG);
        SplittableRandom sampler = new SplittableRandom(3);
        int[][] sequences = {{1, 2, 3, 4, 5, 6}, {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}};
        int[][] seen = seen(sequences);
        int[][] targets = targets(sequences);
        int[] counts = new int[NUM_ITEMS + 1];
        int[] everyItem = new int[NUM_ITEMS + 1];
        for (int draw = 0; draw < 400; draw++) {
            int[][] negatives = ((BinaryCrossEntropy.Negatives) head.draw(targets, seen, NUM_ITEMS, sampler)).items();
            for (int b = 0; b < sequences.length; b++) {
                for (int i = 0; i < targets[b].length; i++) {
                    int negative = negatives[b][i];
                    if (targets[b][i] == 0) {
                        assertEquals(0, negative, "a padding position draws no negative");
                        continue;
                    }
                    assertTrue(negative >= 1 && negative <= NUM_ITEMS, "negative " + negative);
                    if (b == 2) {
                        everyItem[negative]++;
                    } else {
                        assertTrue(Arrays.binarySearch(seen[b], negative) < 0, "user " + b + " interacted with " + negative);
                        if (b == 0) {
                            counts[negative]++;
                        }
                    }
                }
            }
        }
        // User 0: 5 positions a batch, 400 batches, over the 6 items it never interacted with.
        for (int item = 7; item <= NUM_ITEMS; item++) {
            assertEquals(2000 / 6.0, counts[item], 2000 / 6.0 * 0.2, "item " + item + ": " + Arrays.toString(counts));
        }
        // A user who interacted with every item draws from the whole catalogue.
        assertTrue(Arrays.stream(everyItem, 1, NUM_ITEMS + 1).allMatch(c -> c > 0), Arrays.toString(everyItem));
    }

    @Test
    void sampledSoftmaxSharesOneTableOfNegativesPerBatch() {
        LossHead head = Loss.SAMPLED.head(CONFIG);
        SplittableRandom sampler = new SplittableRandom(3);
        int[][] sequences = {{1, 2, 3}, {4, 5}};
        int[] table = ((SampledSoftmax.Table) head.draw(targets(sequences), seen(sequences), NUM_ITEMS, sampler)).items();
        assertEquals(7, table.length);
        assertTrue(Arrays.stream(table).allMatch(i -> i >= 1 && i <= NUM_ITEMS), Arrays.toString(table));
        int[] again = ((SampledSoftmax.Table) head.draw(targets(sequences), seen(sequences), NUM_ITEMS, sampler)).items();
        assertTrue(!Arrays.equals(table, again), "each batch draws its own table");
    }

    @Test
    void gbceDrawsNegativesForEachPositionWithATarget() {
        LossHead head = Loss.GBCE.head(CONFIG);
        int[][] sequences = {{1, 2, 3, 4}, {6, 7}};
        int[][] targets = targets(sequences);          // {2, 3, 4} and {0, 0, 7}
        int[][] drawn = ((GeneralisedBinaryCrossEntropy.Negatives) head.draw(targets, seen(sequences), NUM_ITEMS,
                new SplittableRandom(3))).items();
        assertEquals(2, drawn.length);
        for (int b = 0; b < 2; b++) {
            assertEquals(3 * 7, drawn[b].length, "7 per position");
            for (int i = 0; i < 3; i++) {
                int[] position = Arrays.copyOfRange(drawn[b], i * 7, i * 7 + 7);
                if (targets[b][i] == 0) {
                    assertTrue(Arrays.stream(position).allMatch(x -> x == 0), "no target, no negatives");
                } else {
                    assertTrue(Arrays.stream(position).allMatch(x -> x >= 1 && x <= NUM_ITEMS), Arrays.toString(position));
                }
            }
        }
        assertTrue(!Arrays.equals(Arrays.copyOfRange(drawn[0], 0, 7), Arrays.copyOfRange(drawn[0], 7, 14)),
                "positions draw their own negatives");
    }

    private static int[][] seen(int[][] sequences) {
        return Arrays.stream(sequences).map(ItemSets::sortedDistinct).toArray(int[][]::new);
    }

    /** Each history's next items, left-padded with 0 to the longest. */
    private static int[][] targets(int[][] sequences) {
        int m = Arrays.stream(sequences).mapToInt(s -> s.length - 1).max().orElse(0);
        int[][] targets = new int[sequences.length][m];
        for (int b = 0; b < sequences.length; b++) {
            int[] s = sequences[b];
            System.arraycopy(s, 1, targets[b], m - (s.length - 1), s.length - 1);
        }
        return targets;
    }
}
