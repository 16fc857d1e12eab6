package dev.sasrec.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The assembled gradient (graph, embedding scatter, L2) against central finite differences of the loss. */
class GradientCheckTest {

    private static final int[][] SEQUENCES = {
            {1, 2, 3, 4, 5, 6, 7, 1},   // longer than n + 1: truncated
            {3, 5, 2},
            {7, 6, 7, 6, 4},
    };

    @ParameterizedTest
    @EnumSource(Loss.class)
    void gradientsMatchFiniteDifferences(Loss loss) {
        SasRecConfig config = SasRecConfig.builder().hiddenUnits(4).maxLen(5).numBlocks(2).numHeads(2)
                .dropout(0).l2Emb(0.05).loss(loss).numNegatives(3).batchSize(3).seed(3).build();
        int numItems = 7;
        TrainingStep step = new TrainingStep(config, numItems, 11);
        ParameterLayout layout = step.layout();
        INDArray params = layout.initialise(5);
        SplittableRandom rnd = new SplittableRandom(9);
        float[] p = params.data().asFloat();
        for (int i = config.hiddenUnits(); i < p.length; i++) {
            p[i] += (float) (rnd.nextGaussian() * 0.3);
        }
        params = Nd4j.createFromArray(p);
        int[][] seen = new int[SEQUENCES.length][];
        for (int i = 0; i < SEQUENCES.length; i++) {
            seen[i] = Scorer.sortedDistinct(SEQUENCES[i]);
        }
        INDArray gradient = Nd4j.create(DataType.FLOAT, layout.size());
        step.reseed(21);
        step.compute(params, SEQUENCES, seen, gradient);
        float[] analytic = gradient.data().asFloat();

        List<String> failures = new ArrayList<>();
        int checked = 0;
        double h = 5e-3;
        for (ParameterLayout.Segment s : layout.segments().values()) {
            int count = (int) Math.min(s.length(), 6);
            for (int c = 0; c < count; c++) {
                long idx = s.offset() + (s.length() <= 6 ? c : rnd.nextLong(s.length()));
                if (s.name().equals(ParameterLayout.ITEM_EMBEDDING) && idx < config.hiddenUnits()) {
                    idx += config.hiddenUnits();   // the padding row is held at zero by design
                }
                double numeric = (lossAt(step, params, idx, h, seen) - lossAt(step, params, idx, -h, seen)) / (2 * h);
                double a = analytic[(int) idx];
                checked++;
                if (Math.abs(a - numeric) > 2e-3 + 3e-2 * Math.max(Math.abs(a), Math.abs(numeric))) {
                    failures.add(String.format("%s[%d]: analytic %.6f numeric %.6f", s.name(), idx - s.offset(), a, numeric));
                }
            }
        }
        assertTrue(checked > 60, "checked only " + checked + " coordinates");
        assertTrue(failures.isEmpty(), loss + " gradient mismatches: " + failures);
    }

    private static double lossAt(TrainingStep step, INDArray params, long idx, double delta, int[][] seen) {
        INDArray shifted = params.dup();
        shifted.putScalar(idx, shifted.getDouble(idx) + delta);
        step.reseed(21);
        return step.compute(shifted, SEQUENCES, seen, Nd4j.create(DataType.FLOAT, params.length()));
    }
}
