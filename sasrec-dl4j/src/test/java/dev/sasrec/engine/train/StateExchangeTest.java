package dev.sasrec.engine.train;

import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a trainer exchanges with a distributed trainer: the rows its optimiser moved since the last synchronisation
 * and the dense part ({@link SasRecTrainer#changes()}), and that applying them to a copy of its starting state
 * reproduces its state bit for bit ({@link SasRecTrainer#apply}).
 */
class StateExchangeTest {

    /** 60 users over a catalogue of 5,000 items of which the histories use 40. */
    private static final int NUM_ITEMS = 5_000;
    private static final UserSequences DATA = SyntheticSequences.generate(60, 40, 8, 20, 0.9, 3);

    private static SasRecConfig config(boolean lazy) {
        return SasRecConfig.builder().set("hiddenUnits", 16).set("maxLen", 12).set("numBlocks", 1).set("numHeads", 1)
                .set("dropout", 0.1).set("batchSize", 20).set("learningRate", 0.01).set("seed", 5)
                .set("lazyAdam", lazy).build();
    }

    @Test
    void lazyStepsChangeOnlyTheRowsTheyTouchedAndTheChangesReproduceTheState() {
        SasRecNetwork start = SasRecNetwork.initialise(config(true), NUM_ITEMS);
        SasRecTrainer trainer = new SasRecTrainer(start, TrainingBackends.named("native"));
        SasRecTrainer copy = new SasRecTrainer(new SasRecNetwork(start.config(), NUM_ITEMS, start.parameters().dup()),
                TrainingBackends.named("native"));
        float[] before = trainer.parameters().data().asFloat();
        TrainingSet data = TrainingSet.of(DATA.sequences());
        Set<Integer> read = new HashSet<>();
        int negatives = 0;
        for (int step = 0; step < 3; step++) {
            int[][] batch = Arrays.copyOfRange(data.sequences(), step * 20, step * 20 + 20);
            int[][] seen = Arrays.copyOfRange(data.seen(), step * 20, step * 20 + 20);
            for (int[] s : batch) {
                Arrays.stream(s).forEach(read::add);
                negatives += Math.min(s.length - 1, 12);
            }
            trainer.trainStep(batch, seen);
            assertListedExactlyWhenMoved(before, trainer);
        }
        StateSlice changes = trainer.changes();
        int[] rows = changes.rows();
        // The rows read as inputs and targets, and one negative per target position (binary cross-entropy).
        assertTrue(rows.length <= read.size() + negatives && rows.length < NUM_ITEMS / 4,
                "a few rows of the catalogue: " + rows.length);
        assertTrue(Arrays.stream(rows).boxed().toList().containsAll(read), "every item the histories hold moved");
        for (int i = 1; i < rows.length; i++) {
            assertTrue(rows[i - 1] < rows[i], "ascending rows");
        }
        float[] after = trainer.parameters().data().asFloat();
        assertEquals(3, changes.iteration());

        copy.apply(changes);
        assertArrayEquals(after, copy.parameters().data().asFloat());
        assertArrayEquals(trainer.optimizerState().data().asFloat(), copy.optimizerState().data().asFloat());
        assertEquals(3, copy.iterations());
        assertEquals(0, copy.changes().rows().length, "nothing changed since the changes were applied");
    }

    /** The rows {@link SasRecTrainer#changes()} lists are exactly those whose parameters differ from {@code before}. */
    private static void assertListedExactlyWhenMoved(float[] before, SasRecTrainer trainer) {
        float[] after = trainer.parameters().data().asFloat();
        int d = 16;
        Set<Integer> listed = new HashSet<>(Arrays.stream(trainer.changes().rows()).boxed().toList());
        for (int item = 0; item <= NUM_ITEMS; item++) {
            boolean moved = !Arrays.equals(before, item * d, item * d + d, after, item * d, item * d + d);
            assertEquals(moved, listed.contains(item), "row " + item + " listed exactly when it moved");
        }
    }

    @Test
    void exactStepsChangeEveryRow() {
        SasRecTrainer trainer = new SasRecTrainer(SasRecNetwork.initialise(config(false), NUM_ITEMS),
                TrainingBackends.named("native"));
        TrainingSet data = TrainingSet.of(DATA.sequences());
        trainer.trainStep(Arrays.copyOf(data.sequences(), 20), Arrays.copyOf(data.seen(), 20));
        int[] rows = trainer.changes().rows();
        assertEquals(NUM_ITEMS, rows.length);
        assertEquals(1, rows[0]);
        assertEquals(NUM_ITEMS, rows[NUM_ITEMS - 1]);
    }
}
