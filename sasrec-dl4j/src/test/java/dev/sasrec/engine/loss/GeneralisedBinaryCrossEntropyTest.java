package dev.sasrec.engine.loss;

import dev.sasrec.engine.internal.Blas;
import dev.sasrec.engine.internal.ItemRowGradients;
import dev.sasrec.engine.model.SasRecConfig;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** gBCE's calibration, its score shift and its loss on one position, worked by hand. */
class GeneralisedBinaryCrossEntropyTest {

    @Test
    void calibrationZeroIsBceAndOneWeighsThePositiveByTheSamplingRate() {
        // alpha = K / (N - 1) = 256 / 3,415
        double alpha = 256 / 3415.0;
        assertEquals(1.0, new GeneralisedBinaryCrossEntropy(256, 0, 64).beta(3416), 1e-12);
        assertEquals(alpha, new GeneralisedBinaryCrossEntropy(256, 1, 64).beta(3416), 1e-12);
        assertEquals(alpha * (0.75 * (1 - 1 / alpha) + 1 / alpha), new GeneralisedBinaryCrossEntropy(256, 0.75, 64).beta(3416), 1e-12);
        // gSASRec's worked value for ML-1M, K = 256, t = 0.75: beta = 0.75 alpha + 0.25
        assertEquals(0.3062, new GeneralisedBinaryCrossEntropy(256, 0.75, 64).beta(3416), 1e-4);
    }

    @Test
    void theScoreShiftIsTheBaseRateThatMinimisesTheLossOfAModelThatRanksNothing() {
        for (int k : new int[]{1, 4, 256}) {
            for (double t : new double[]{0, 0.75, 1}) {
                GeneralisedBinaryCrossEntropy head = new GeneralisedBinaryCrossEntropy(k, t, 64);
                double beta = head.beta(3416);
                double c = head.scoreShift(3416);
                assertEquals(Math.log(beta / k), c, 1e-12);
                // d/dc [beta softplus(-c) + K softplus(c)] = -beta sigmoid(-c) + K sigmoid(c) = 0
                assertEquals(beta * sigmoid(-c), k * sigmoid(c), 1e-12, "K " + k + ", t " + t);
            }
        }
        assertEquals(0.0, new GeneralisedBinaryCrossEntropy(1, 0, 64).scoreShift(3416), 0.0, "BCE with one negative: no shift");
    }

    @Test
    void aPositionsLossWeighsItsTargetByBetaAndLeavesOutANegativeEqualToIt() {
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 2).set("loss", "gbce").set("numNegatives", 3)
                .set("gbceCalibration", 0.5).build();
        GeneralisedBinaryCrossEntropy head = (GeneralisedBinaryCrossEntropy) Loss.GBCE.head(config);
        int numItems = 4;
        // items 1..4 as rows of a 2-wide table, row 0 padding
        FloatBuffer table = FloatBuffer.wrap(new float[]{0, 0, 1, 0, 0, 1, 1, 1, -1, 0.5f});
        float[] out = {0.5f, -1f};
        int[][] targets = {{2}};
        GeneralisedBinaryCrossEntropy.Negatives drawn = new GeneralisedBinaryCrossEntropy.Negatives(new int[][]{{1, 2, 4}}, numItems);
        float[] dOut = new float[2];
        ItemRowGradients grads = new ItemRowGradients(numItems, 2);
        double loss = head.lossOnRows(out, targets, 0, drawn, table, numItems, 2, 1f, dOut, grads, new Blas());

        double beta = head.beta(numItems);
        assertEquals((3 / 3.0) * (0.5 * (1 - 1) + 1), beta, 1e-12); // alpha = 3 / 3 = 1: beta = 1
        double c = Math.log(beta / 3); // every score's shift
        double positive = -1 + c;      // out . e2
        double negative1 = 0.5 + c;    // out . e1; negative 2 is the target, left out
        double negative4 = -1 + c;     // out . e4 = -0.5 - 0.5
        double expected = beta * softplus(-positive) + softplus(negative1) + softplus(negative4);
        assertEquals(expected, loss, 1e-6);
        // dL/dout = beta (sigmoid(s+) - 1) e2 + sigmoid(s1) e1 + sigmoid(s4) e4
        double gp = beta * (sigmoid(positive) - 1);
        assertEquals(sigmoid(negative1) * 1 + sigmoid(negative4) * -1, dOut[0], 1e-6);
        assertEquals(gp + sigmoid(negative4) * 0.5, dOut[1], 1e-6);
    }

    @Test
    void betaBelowOneScalesOnlyThePositiveTerm() {
        GeneralisedBinaryCrossEntropy head = new GeneralisedBinaryCrossEntropy(1, 1, 2);
        int numItems = 5;   // alpha = 1 / 4, t = 1: beta = alpha
        FloatBuffer table = FloatBuffer.wrap(new float[]{0, 0, 1, 0, 0, 1, 1, 1, -1, 0.5f, 2, 0});
        float[] out = {0.5f, -1f};
        float[] dOut = new float[2];
        double loss = head.lossOnRows(out, new int[][]{{2}}, 0, new GeneralisedBinaryCrossEntropy.Negatives(new int[][]{{5}}, numItems),
                table, numItems, 2, 1f, dOut, new ItemRowGradients(numItems, 2), new Blas());
        double c = Math.log(0.25);     // log(beta / K)
        assertEquals(0.25 * softplus(1 - c) + softplus(1 + c), loss, 1e-6);
    }

    private static double softplus(double x) {
        return Math.log1p(Math.exp(x));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
