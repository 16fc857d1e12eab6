package dev.sasrec.engine.samediff;

import dev.sasrec.engine.train.FlatGradient;
import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.engine.loss.Loss;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.train.SasRecTrainer;
import dev.sasrec.engine.train.TrainingSet;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native memory is managed by the engine, not by the garbage collector: a training step takes back every array its
 * executions allocated, the next step reuses those buffers and gives the same result, buffers no longer asked for
 * are freed, and how often the trainer collects garbage does not change the model.
 */
class SessionMemoryTest {

    private static final UserSequences DATA = SyntheticSequences.generate(80, 40, 8, 16, 0.9, 3);

    private static SasRecConfig.Builder tiny() {
        return SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 12).set("numBlocks", 1).set("numHeads", 1).set("dropout", 0.2)
                .set("batchSize", 16).set("numNegatives", 5).set("seed", 4);
    }

    @Test
    void aTrainingStepTakesBackEveryArrayItsExecutionsAllocated() {
        TrainingSet train = TrainingSet.of(LeaveOneOutSplit.of(DATA));
        int[][] seqs = Arrays.copyOf(train.sequences(), 16);
        int[][] seen = Arrays.copyOf(train.seen(), 16);
        for (Loss loss : Loss.values()) {
            SasRecConfig config = tiny().set("loss", loss).build();
            TrainingStep step = new TrainingStep(config, DATA.numItems(), 1);
            INDArray params = SasRecNetwork.initialise(config, DATA.numItems()).parameters();
            float[][] gradients = new float[2][];
            double[] losses = new double[2];
            for (int run = 0; run < 2; run++) {
                step.reseed(9);
                FlatGradient gradient = new FlatGradient(step.layout());
                losses[run] = step.compute(params, seqs, seen, gradient);
                gradients[run] = gradient.values().data().asFloat();
                SameDiff sd = step.graph().sameDiff();
                long allocations = 0;
                for (SameDiff executed : new SameDiff[]{sd, sd.getFunction("grad")}) {
                    RecyclingMemoryManager m = RecyclingMemoryManager.of(executed);
                    assertNotNull(m, loss + ": the step's sessions use the recycling manager");
                    assertEquals(0, m.openArrays(), loss + ": arrays left open after the step");
                    allocations += m.allocations();
                }
                // A forward and backward pass allocates hundreds of intermediates through the manager.
                assertTrue(allocations > 100, loss + ": " + allocations + " arrays allocated through the manager");
            }
            assertEquals(losses[0], losses[1], loss + ": a step repeated after its arrays were freed");
            assertArrayEquals(gradients[0], gradients[1], loss + ": a step repeated after its arrays were freed");
        }
    }

    @Test
    void theNextStepReusesTheBuffersOfTheLastAndBuffersNoLongerAskedForAreFreed() {
        TrainingSet train = TrainingSet.of(LeaveOneOutSplit.of(DATA));
        int[][] full = Arrays.copyOf(train.sequences(), 16);
        int[][] seen = Arrays.copyOf(train.seen(), 16);
        int[][] shorter = Arrays.stream(full).map(s -> Arrays.copyOf(s, Math.min(s.length, 6))).toArray(int[][]::new);
        // Every loss, the full softmax included: its step runs a forward-only execution before the backward one.
        for (Loss loss : Loss.values()) {
            // Large enough for [B, m, d] and [B, m, m] arrays to be recycled.
            SasRecConfig config = tiny().set("hiddenUnits", 64).set("maxLen", 16).set("loss", loss).build();
            TrainingStep step = new TrainingStep(config, DATA.numItems(), 1);
            INDArray params = SasRecNetwork.initialise(config, DATA.numItems()).parameters();
            SameDiff sd = step.graph().sameDiff();
            long[] fresh = new long[4];
            long[] held = new long[4];
            float[][] gradients = new float[4][];
            int[][][] batches = {full, full, shorter, shorter};
            for (int run = 0; run < batches.length; run++) {
                step.reseed(9);
                FlatGradient gradient = new FlatGradient(step.layout());
                step.compute(params, batches[run], seen, gradient);
                gradients[run] = gradient.values().data().asFloat();
                for (SameDiff executed : new SameDiff[]{sd, sd.getFunction("grad")}) {
                    RecyclingMemoryManager m = RecyclingMemoryManager.of(executed);
                    fresh[run] += m.freshBuffers();
                    held[run] += m.recycledBytes();
                }
            }
            assertTrue(fresh[0] > 10, loss + ": " + fresh[0] + " large buffers allocated by the first step");
            assertEquals(fresh[0], fresh[1], loss + ": the same step again allocated new buffers");
            assertArrayEquals(gradients[0], gradients[1], loss + ": a step on reused buffers");
            assertTrue(fresh[2] > fresh[1], loss + ": a step with other shapes allocates its own buffers");
            assertEquals(fresh[2], fresh[3], loss + ": the same shorter step again allocated new buffers");
            assertArrayEquals(gradients[2], gradients[3], loss + ": a shorter step on reused buffers");
            assertTrue(held[2] < held[1], loss + ": buffers of the longer step were kept after a step that did not use them: "
                    + held[1] + " then " + held[2] + " bytes");
            assertEquals(held[2], held[3], loss + ": buffers kept after the same step");
        }
    }

    @Test
    void garbageCollectionPolicyDoesNotChangeTheModel() {
        TrainingSet train = TrainingSet.of(LeaveOneOutSplit.of(DATA));
        float[][] weights = new float[2][];
        long[] limits = {0, Long.MAX_VALUE};
        for (int i = 0; i < 2; i++) {
            SasRecTrainer trainer = new SasRecTrainer(tiny().build(), DATA.numItems()).maxPositionsPerPass(48)
                    .collectGarbageAbove(limits[i]);
            trainer.trainEpoch(train);
            weights[i] = trainer.parameters().data().asFloat();
        }
        assertArrayEquals(weights[0], weights[1]);
        SasRecTrainer trainer = new SasRecTrainer(tiny().build(), DATA.numItems());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.collectGarbageAbove(-1));
        assertTrue(e.getMessage().contains("collectGarbageAbove") && e.getMessage().contains("-1"), e.getMessage());
    }
}
