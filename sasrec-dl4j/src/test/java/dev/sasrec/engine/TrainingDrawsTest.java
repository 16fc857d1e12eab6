package dev.sasrec.engine;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a training batch is made of: inputs and targets shifted by one, left-padded, and its negative draws. */
class TrainingDrawsTest {

    private static final int NUM_ITEMS = 12;

    private static TrainingStep step(Loss loss) {
        SasRecConfig config = SasRecConfig.builder().hiddenUnits(4).maxLen(5).numBlocks(1).dropout(0).loss(loss)
                .numNegatives(7).seed(1).build();
        return new TrainingStep(config, NUM_ITEMS, 3);
    }

    @Test
    void targetsAreTheNextItemsAndPaddingIsOnTheLeft() {
        TrainingStep step = step(Loss.BCE);
        INDArray params = step.layout().initialise(1);
        int[][] sequences = {{1, 2, 3}, {4, 5, 6, 7, 8, 9, 10}};
        TrainingStep.Prepared p = step.prepare(params, sequences, seen(sequences));
        // The batch is trimmed to its longest input (5 = maxLen here; the longer history keeps its last 5 inputs).
        assertArrayEquals(new int[]{0, 0, 0, 1, 2}, p.inputs()[0]);
        assertArrayEquals(new int[]{0, 0, 0, 2, 3}, p.targets()[0]);
        assertArrayEquals(new int[]{5, 6, 7, 8, 9}, p.inputs()[1]);
        assertArrayEquals(new int[]{6, 7, 8, 9, 10}, p.targets()[1]);
        TrainingStep.release(p.placeholders());
    }

    @Test
    void bceNegativesAreUniformOverTheItemsTheUserNeverInteractedWith() {
        TrainingStep step = step(Loss.BCE);
        INDArray params = step.layout().initialise(1);
        int[][] sequences = {{1, 2, 3, 4, 5, 6}, {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}};
        int[][] seen = seen(sequences);
        int[] counts = new int[NUM_ITEMS + 1];
        int[] everyItem = new int[NUM_ITEMS + 1];
        for (int draw = 0; draw < 400; draw++) {
            TrainingStep.Prepared p = step.prepare(params, sequences, seen);
            for (int b = 0; b < sequences.length; b++) {
                for (int i = 0; i < p.targets()[b].length; i++) {
                    int negative = p.negatives()[b][i];
                    if (p.targets()[b][i] == 0) {
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
            TrainingStep.release(p.placeholders());
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
        TrainingStep step = step(Loss.SAMPLED);
        INDArray params = step.layout().initialise(1);
        int[][] sequences = {{1, 2, 3}, {4, 5}};
        TrainingStep.Prepared p = step.prepare(params, sequences, seen(sequences));
        assertEquals(7, p.negativeTable().length);
        assertTrue(Arrays.stream(p.negativeTable()).allMatch(i -> i >= 1 && i <= NUM_ITEMS), Arrays.toString(p.negativeTable()));
        TrainingStep.Prepared again = step.prepare(params, sequences, seen(sequences));
        assertTrue(!Arrays.equals(p.negativeTable(), again.negativeTable()), "each batch draws its own table");
        TrainingStep.release(p.placeholders());
        TrainingStep.release(again.placeholders());
    }

    private static int[][] seen(int[][] sequences) {
        return Arrays.stream(sequences).map(Scorer::sortedDistinct).toArray(int[][]::new);
    }
}
