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
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The assembled gradient of each training backend (encoder, embedding scatter, loss head, L2) against central
 * finite differences of its loss, for every loss and both layer-norm placements. Every parameter tensor is checked on {@link #PER_TENSOR}
 * coordinates drawn without replacement (all of a smaller tensor), and the item table on two coordinates of
 * every item row, since each row's gradient gathers the lookups of that item as input, target and negative.
 *
 * <p>The criterion is relative: a coordinate fails when {@code |analytic - numeric|} exceeds 4% of the larger of
 * the two plus {@link #NOISE}, the float rounding of a finite difference. A zero (or halved, or sign-flipped)
 * analytic gradient therefore fails wherever the true one is above a few times {@code NOISE}; and every
 * parameter tensor must hold coordinates whose numeric gradient is at least {@link #SIGNIFICANT}, so no tensor
 * passes on gradients too small to tell apart from zero.
 */
class GradientCheckTest {

    private static final int[][] SEQUENCES = {
            {1, 2, 3, 4, 5, 6, 7, 1},   // longer than n + 1: truncated
            {3, 5, 2},
            {7, 6, 7, 6, 4},
    };
    private static final int NUM_ITEMS = 7;
    private static final int PER_TENSOR = 8;
    private static final double STEP = 5e-3;
    private static final double RELATIVE = 0.04;
    private static final double NOISE = 2e-4;
    private static final double SIGNIFICANT = 20 * NOISE;

    static Stream<Arguments> backendsLossesAndLayerNorms() {
        List<Arguments> cases = new ArrayList<>();
        for (String backend : TrainingBackends.names()) {
            for (Loss loss : Loss.values()) {
                cases.add(Arguments.of(backend, loss, false));
                cases.add(Arguments.of(backend, loss, true));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, {1}, preLayerNorm {2}")
    @MethodSource("backendsLossesAndLayerNorms")
    void gradientsMatchFiniteDifferences(String backend, Loss loss, boolean preLayerNorm) {
        // Dropout stays on: its masks are drawn again from the same seed for every evaluation, so the loss is a
        // smooth function of the parameters and the masks' scaling is part of what is checked.
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 4).set("maxLen", 5).set("numBlocks", 2).set("numHeads", 2)
                .set("dropout", 0.2).set("l2Emb", 0.05).set("loss", loss).set("numNegatives", 3).set("preLayerNorm", preLayerNorm).set("batchSize", 3)
                .set("seed", 3).build();
        BatchGradients step = TrainingBackends.named(backend).gradients(config, NUM_ITEMS, 11);
        ParameterLayout layout = ParameterLayout.of(config, NUM_ITEMS);
        INDArray params = perturbed(layout.initialise(5), config.hiddenUnits());
        int[][] seen = new int[SEQUENCES.length][];
        for (int i = 0; i < SEQUENCES.length; i++) {
            seen[i] = ItemSets.sortedDistinct(SEQUENCES[i]);
        }
        FlatGradient gradient = new FlatGradient(layout);
        step.reseed(21);
        double loss0 = step.compute(params, SEQUENCES, seen, gradient);
        step.reseed(21);
        assertEquals(loss0, step.loss(params, SEQUENCES, seen), 1e-6 * Math.abs(loss0),
                "the forward-only loss is the loss whose gradient is checked");
        float[] analytic = gradient.values().data().asFloat();

        List<String> failures = new ArrayList<>();
        SplittableRandom draws = new SplittableRandom(17);
        for (ParameterLayout.Segment s : layout.segments().values()) {
            int significant = 0;
            for (long i : coordinates(s, config.hiddenUnits(), draws)) {
                long idx = s.offset() + i;
                double numeric = (lossAt(step, params, idx, STEP, seen) - lossAt(step, params, idx, -STEP, seen)) / (2 * STEP);
                double a = analytic[(int) idx];
                if (Math.abs(numeric) >= SIGNIFICANT) {
                    significant++;
                }
                if (Math.abs(a - numeric) > RELATIVE * Math.max(Math.abs(a), Math.abs(numeric)) + NOISE) {
                    failures.add(String.format("%s[%d]: analytic %.6f numeric %.6f", s.name(), i, a, numeric));
                }
            }
            if (significant == 0) {
                failures.add(s.name() + ": no coordinate with a gradient of at least " + SIGNIFICANT);
            }
        }
        assertTrue(failures.isEmpty(), backend + ", " + loss + " (preLayerNorm " + preLayerNorm + ") gradient mismatches: " + failures);
    }

    /**
     * The coordinates of {@code s} to check, relative to its offset: two per item row of the item table (the
     * padding row is held at zero by design and is no parameter), {@link #PER_TENSOR} of any other tensor, drawn
     * without replacement.
     */
    private static long[] coordinates(ParameterLayout.Segment s, int d, SplittableRandom draws) {
        if (s.name().equals(ParameterLayout.ITEM_EMBEDDING)) {
            long[] out = new long[2 * NUM_ITEMS];
            for (int item = 1; item <= NUM_ITEMS; item++) {
                long[] columns = withoutReplacement(d, 2, draws);
                out[2 * (item - 1)] = (long) item * d + columns[0];
                out[2 * (item - 1) + 1] = (long) item * d + columns[1];
            }
            return out;
        }
        return withoutReplacement(s.length(), PER_TENSOR, draws);
    }

    /** {@code count} distinct values of 0..n-1 (all of them when n is smaller), by a partial Fisher-Yates shuffle. */
    private static long[] withoutReplacement(long n, int count, SplittableRandom draws) {
        long[] all = new long[(int) n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        int k = (int) Math.min(n, count);
        for (int i = 0; i < k; i++) {
            int j = i + draws.nextInt((int) n - i);
            long t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, k);
    }

    /** Initial parameters with Gaussian noise on everything but the padding row, so no tensor sits at a symmetric point. */
    private static INDArray perturbed(INDArray params, int d) {
        SplittableRandom rnd = new SplittableRandom(9);
        float[] p = params.data().asFloat();
        for (int i = d; i < p.length; i++) {
            p[i] += (float) (rnd.nextGaussian() * 0.3);
        }
        return Nd4j.createFromArray(p);
    }

    private static double lossAt(BatchGradients step, INDArray params, long idx, double delta, int[][] seen) {
        INDArray shifted = params.dup();
        shifted.putScalar(idx, shifted.getDouble(idx) + delta);
        step.reseed(21);
        return step.loss(shifted, SEQUENCES, seen);
    }
}
