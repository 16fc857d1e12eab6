package dev.sasrec.engine.samediff;

import dev.sasrec.engine.internal.ItemSets;
import dev.sasrec.engine.loss.Loss;
import dev.sasrec.engine.model.SasRecConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** What a training batch is made of: inputs and targets shifted by one, left-padded. */
class TrainingDrawsTest {

    private static final int NUM_ITEMS = 12;

    private static TrainingStep step(Loss loss) {
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 4).set("maxLen", 5).set("numBlocks", 1).set("dropout", 0).set("loss", loss)
                .set("numNegatives", 7).set("seed", 1).build();
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

    private static int[][] seen(int[][] sequences) {
        return Arrays.stream(sequences).map(ItemSets::sortedDistinct).toArray(int[][]::new);
    }
}
