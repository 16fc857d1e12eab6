package dev.sasrec.engine.train;

import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.engine.model.SasRecConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A diverging run stops naming the epoch and step; gradient clipping caps each step's gradient norm. */
class TrainingFailuresTest {

    private static final UserSequences DATA = SyntheticSequences.generate(200, 60, 10, 20, 0.9, 3);

    private static SasRecConfig.Builder small() {
        return SasRecConfig.builder().set("hiddenUnits", 16).set("maxLen", 12).set("numBlocks", 1).set("numHeads", 1).set("dropout", 0.0)
                .set("batchSize", 32).set("seed", 5);
    }

    @Test
    void aDivergingRunStopsNamingTheEpochAndStepAndKeepsTheLastFiniteParameters() {
        SasRecTrainer trainer = new SasRecTrainer(small().set("learningRate", 1e30).build(), DATA.numItems());
        TrainingSet train = TrainingSet.of(LeaveOneOutSplit.of(DATA));
        float[][] before = new float[2][];
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> {
            for (int[] users : SasRecTrainer.planEpoch(train, trainer.config(), 1)) {
                int[][] seqs = Arrays.stream(users).mapToObj(u -> train.sequences()[u]).toArray(int[][]::new);
                int[][] seen = Arrays.stream(users).mapToObj(u -> train.seen()[u]).toArray(int[][]::new);
                before[0] = trainer.parameters().data().asFloat();
                before[1] = trainer.optimizerState().data().asFloat();
                trainer.trainStep(seqs, seen);
            }
        });
        assertEquals(1, e.epoch(), e.getMessage());
        assertTrue(e.step() >= 2, "the first step starts from finite parameters: " + e.getMessage());
        assertTrue(e.getMessage().contains("at epoch 1, step " + e.step()) && e.getMessage().contains("gradientClipNorm"),
                e.getMessage());
        assertEquals(e.step() - 1, trainer.iterations(), "the failing step was not counted");
        float[] kept = trainer.parameters().data().asFloat();
        for (float v : kept) {
            assertTrue(Float.isFinite(v), "a kept parameter is not finite");
        }
        assertArrayEquals(before[0], kept, "the parameters are those before the failing step");
        assertArrayEquals(before[1], trainer.optimizerState().data().asFloat(), "so is the optimiser state");
    }

    @Test
    void clippingRescalesTheGradientToTheCapAndLeavesSmallerGradientsAlone() {
        int[][] batch = Arrays.copyOf(DATA.sequences(), 32);
        int[][] seen = Arrays.stream(batch).map(h -> Arrays.stream(h).distinct().sorted().toArray()).toArray(int[][]::new);
        double raw = firstMomentNorm(new SasRecTrainer(small().build(), DATA.numItems()), batch, seen);
        double cap = raw / 4;
        assertEquals(cap, firstMomentNorm(new SasRecTrainer(small().set("gradientClipNorm", cap).build(), DATA.numItems()), batch, seen),
                cap * 1e-4, "Adam's first moment after one step is (1 - beta1) times the clipped gradient");
        assertEquals(raw, firstMomentNorm(new SasRecTrainer(small().set("gradientClipNorm", raw * 2).build(), DATA.numItems()), batch, seen),
                raw * 1e-6, "a gradient under the cap is unchanged");

        SasRecTrainer unclipped = new SasRecTrainer(small().build(), DATA.numItems());
        SasRecTrainer loose = new SasRecTrainer(small().set("gradientClipNorm", raw * 2).build(), DATA.numItems());
        unclipped.trainStep(batch, seen);
        loose.trainStep(batch, seen);
        assertArrayEquals(unclipped.parameters().data().asFloat(), loose.parameters().data().asFloat());
    }

    @Test
    void aNonFiniteGradientNormStopsTheStepUnderClipping() {
        // An L2 factor of 1e39 keeps the loss finite (it is summed in double) while the gradient overflows to
        // infinity in float, and so does its norm.
        SasRecTrainer trainer = new SasRecTrainer(small().set("l2Emb", 1e39).set("gradientClipNorm", 1).build(), DATA.numItems());
        int[][] batch = Arrays.copyOf(DATA.sequences(), 32);
        int[][] seen = Arrays.stream(batch).map(h -> Arrays.stream(h).distinct().sorted().toArray()).toArray(int[][]::new);
        float[] before = trainer.parameters().data().asFloat();
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> trainer.trainStep(batch, seen));
        assertTrue(e.getMessage().contains("gradient norm is") && e.getMessage().contains("at epoch 1, step 1"), e.getMessage());
        assertEquals(0, trainer.iterations());
        assertArrayEquals(before, trainer.parameters().data().asFloat(), "the failing step was not applied");
    }

    @Test
    void theCapIsValidatedAndTravelsWithTheConfiguration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small().set("gradientClipNorm", -1).build());
        assertTrue(e.getMessage().startsWith("gradientClipNorm: invalid value -1.0"), e.getMessage());
        SasRecConfig c = small().set("gradientClipNorm", 2.5).build();
        assertEquals(c, SasRecConfig.fromMap(c.toMap()));
    }

    private static double firstMomentNorm(SasRecTrainer trainer, int[][] batch, int[][] seen) {
        trainer.trainStep(batch, seen);
        long size = trainer.parameters().length();
        INDArray m = trainer.optimizerState().get(NDArrayIndex.interval(0, size));
        return m.norm2Number().doubleValue() / (1 - trainer.config().beta1());
    }
}
