package dev.sasrec.engine.train;

import dev.sasrec.engine.internal.ItemSets;
import dev.sasrec.engine.loss.Loss;
import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native backend against the SameDiff backend on identical inputs, draws and dropout masks (both read them
 * from the same seed): the loss and the gradient of every parameter tensor agree within a relative error of
 * 1e-4 (the norm of the difference over the larger norm), for random configurations: 1 to 3 blocks, 1 to 4
 * heads, both layer-norm placements, every loss, and batches mixing histories of 1 to more than n positions
 * (so both attention paths of the native backend, loops and BLAS, are used).
 */
class BackendAgreementTest {

    private static final int NUM_ITEMS = 40;
    private static final double TOLERANCE = 1e-4;

    static Stream<Arguments> configurations() {
        SplittableRandom rnd = new SplittableRandom(2026);
        List<Arguments> cases = new ArrayList<>();
        int[] heads = {1, 2, 4};
        for (int i = 0; i < 9; i++) {
            Loss loss = Loss.values()[i % Loss.values().length];
            cases.add(Arguments.of(i, loss, 1 + rnd.nextInt(3), heads[rnd.nextInt(heads.length)], rnd.nextBoolean()));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "case {0}: {1}, {2} block(s), {3} head(s), preLayerNorm {4}")
    @MethodSource("configurations")
    void nativeGradientsAgreeWithSameDiff(int caseId, Loss loss, int blocks, int heads, boolean preLayerNorm) {
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 16).set("maxLen", 30).set("numBlocks", blocks)
                .set("numHeads", heads).set("preLayerNorm", preLayerNorm).set("dropout", 0.3).set("l2Emb", 0.01)
                .set("loss", loss).set("numNegatives", 7).set("seed", caseId).build();
        SplittableRandom rnd = new SplittableRandom(100 + caseId);
        int[][] sequences = new int[10][];
        int[][] seen = new int[sequences.length][];
        for (int b = 0; b < sequences.length; b++) {
            int len = b == 0 ? 2 : b == 1 ? 40 : 2 + rnd.nextInt(35);
            sequences[b] = rnd.ints(len, 1, NUM_ITEMS + 1).toArray();
            seen[b] = ItemSets.sortedDistinct(sequences[b]);
        }
        ParameterLayout layout = ParameterLayout.of(config, NUM_ITEMS);
        INDArray params = layout.initialise(caseId);
        float[] p = params.data().asFloat();
        for (int i = config.hiddenUnits(); i < p.length; i++) {
            p[i] += (float) (rnd.nextGaussian() * 0.2);
        }
        params = Nd4j.createFromArray(p);

        FlatGradient reference = new FlatGradient(layout);
        FlatGradient candidate = new FlatGradient(layout);
        double referenceLoss = TrainingBackends.named("samediff").gradients(config, NUM_ITEMS, 77)
                .compute(params, sequences, seen, reference);
        double candidateLoss = TrainingBackends.named("native").gradients(config, NUM_ITEMS, 77)
                .compute(params, sequences, seen, candidate);

        assertEquals(referenceLoss, candidateLoss, TOLERANCE * Math.abs(referenceLoss), "loss");
        List<String> failures = new ArrayList<>();
        for (ParameterLayout.Segment s : layout.segments().values()) {
            INDArray r = layout.view(reference.values(), s.name());
            INDArray c = layout.view(candidate.values(), s.name());
            double scale = Math.max(r.norm2Number().doubleValue(), c.norm2Number().doubleValue());
            double error = r.sub(c).norm2Number().doubleValue() / Math.max(scale, 1e-12);
            if (!(error <= TOLERANCE)) {
                failures.add(String.format("%s: relative error %.2e (norm %.3e)", s.name(), error, scale));
            }
            if (!(scale > 0) && !s.name().startsWith("b") && !s.name().startsWith("final")) {
                failures.add(s.name() + ": zero gradient");
            }
        }
        assertTrue(failures.isEmpty(), "gradients differ: " + failures);
    }
}
