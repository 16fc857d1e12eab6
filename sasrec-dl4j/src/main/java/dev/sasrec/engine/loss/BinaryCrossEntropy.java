package dev.sasrec.engine.loss;

import dev.sasrec.engine.internal.Blas;
import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.internal.HostArrays;
import dev.sasrec.engine.internal.ItemRowGradients;
import dev.sasrec.engine.internal.RowScatter;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The paper's loss: at every position, -log sigmoid(f . e_target) - log(1 - sigmoid(f . e_negative)), with one
 * negative per position drawn uniformly from the items the user never interacted with.
 */
final class BinaryCrossEntropy extends TargetScoringHead {

    /** Item-embedding rows of the negatives: [B, m, d]. */
    static final String NEGATIVE_EMB = "negative_emb";

    /** One negative per position with a target, 0 elsewhere: [B][m]. */
    record Negatives(int[][] items) implements Draws {
    }

    @Override
    public Draws draw(int[][] targets, int[][] seen, int numItems, SplittableRandom sampler) {
        int[][] negatives = new int[targets.length][];
        for (int b = 0; b < targets.length; b++) {
            negatives[b] = new int[targets[b].length];
            for (int i = 0; i < targets[b].length; i++) {
                if (targets[b][i] != 0) {
                    negatives[b][i] = unseen(seen[b], numItems, sampler);
                }
            }
        }
        return new Negatives(negatives);
    }

    /** A uniform item not in {@code seenSorted}; any item when the user has seen them all. */
    private static int unseen(int[] seenSorted, int numItems, SplittableRandom sampler) {
        if (seenSorted.length >= numItems) {
            return 1 + sampler.nextInt(numItems);
        }
        while (true) {
            int j = 1 + sampler.nextInt(numItems);
            if (Arrays.binarySearch(seenSorted, j) < 0) {
                return j;
            }
        }
    }

    @Override
    SDVariable perPosition(SameDiff sd, SDVariable output, SDVariable positive, int d) {
        SDVariable negative = output.mul(sd.placeHolder(NEGATIVE_EMB, DataType.FLOAT, -1, -1, d)).sum(2);
        return sd.nn.logSigmoid(positive).add(sd.nn.logSigmoid(negative.neg())).neg();
    }

    @Override
    void addNegatives(Map<String, INDArray> placeholders, int[][] targets, Draws draws, FloatBuffer itemTable, int d) {
        placeholders.put(NEGATIVE_EMB, EncoderInputs.gatherRows(itemTable, ((Negatives) draws).items(), 1f, d));
    }

    @Override
    public double lossOnRows(float[] out, int[][] targets, int firstHistory, Draws draws, FloatBuffer itemTable,
                             int numItems, int d, float scale, float[] dOut, ItemRowGradients itemGrads, Blas blas) {
        int[][] negatives = ((Negatives) draws).items();
        float[] positiveRow = new float[d];
        float[] negativeRow = new float[d];
        double loss = 0;
        int row = 0;
        for (int u = 0; u < targets.length; u++) {
            int[] t = targets[u];
            int[] negative = negatives[firstHistory + u];
            for (int i = 0; i < t.length; i++, row++) {
                int at = row * d;
                if (t[i] == 0) {
                    Arrays.fill(dOut, at, at + d, 0f);
                    continue;
                }
                itemTable.get(t[i] * d, positiveRow, 0, d);
                itemTable.get(negative[i] * d, negativeRow, 0, d);
                float sp = 0;
                float sn = 0;
                for (int j = 0; j < d; j++) {
                    sp += out[at + j] * positiveRow[j];
                    sn += out[at + j] * negativeRow[j];
                }
                loss += softplus(-sp) + softplus(sn);
                float gp = (float) ((sigmoid(sp) - 1) * scale);
                float gn = (float) (sigmoid(sn) * scale);
                for (int j = 0; j < d; j++) {
                    dOut[at + j] = gp * positiveRow[j] + gn * negativeRow[j];
                }
                itemGrads.add(t[i], out, at, gp);
                itemGrads.add(negative[i], out, at, gn);
            }
        }
        return loss;
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Override
    public List<String> rowInputs() {
        return List.of(TARGET_EMB, NEGATIVE_EMB);
    }

    @Override
    void scatterNegatives(float[] itemGradient, Map<String, INDArray> gradients, Draws draws, int d) {
        RowScatter.scatter(itemGradient, HostArrays.floats(gradients.get(NEGATIVE_EMB)), ((Negatives) draws).items(), 1f, d);
    }
}
