package dev.sasrec.engine.loss;

import dev.sasrec.engine.internal.Blas;
import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.internal.Exponentials;
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
 * Sampled softmax: at every position, the cross-entropy of the target against {@code numNegatives} items drawn
 * uniformly once per pass and shared by all its positions; a negative equal to a position's target is masked out
 * of that position's softmax.
 */
final class SampledSoftmax extends TargetScoringHead {

    /** Item-embedding rows of the negatives: [K, d]. */
    static final String NEGATIVE_TABLE = "negative_table";
    /** {@link EncoderInputs#MASKED} where a negative equals the position's target, 0 elsewhere: [B*m, K]. */
    static final String HIT_BIAS = "hit_bias";

    private final int numNegatives;

    SampledSoftmax(int numNegatives) {
        this.numNegatives = numNegatives;
    }

    /** The pass's shared negatives. */
    record Table(int[] items) implements Draws {
    }

    @Override
    public Draws draw(int[][] targets, int[][] seen, int numItems, SplittableRandom sampler) {
        int[] table = new int[numNegatives];
        for (int j = 0; j < numNegatives; j++) {
            table[j] = 1 + sampler.nextInt(numItems);
        }
        return new Table(table);
    }

    @Override
    SDVariable perPosition(SameDiff sd, SDVariable output, SDVariable positive, int d) {
        SDVariable flat = output.reshape(-1, d);
        SDVariable pos = positive.reshape(-1, 1);
        SDVariable neg = sd.mmul(flat, sd.placeHolder(NEGATIVE_TABLE, DataType.FLOAT, -1, d), false, true, false)
                .add(sd.placeHolder(HIT_BIAS, DataType.FLOAT, -1, -1));
        SDVariable perPosition = logSumExp(sd, sd.concat(1, pos, neg)).sub(pos.reshape(-1));
        return perPosition.reshape(sd.shape(positive));
    }

    /**
     * Row-wise log-sum-exp of a [rows, cols] tensor, shifted by the row maximum for stability. SameDiff's own
     * {@code logSumExp} loses its reduction axis in the backward pass on this version.
     */
    private static SDVariable logSumExp(SameDiff sd, SDVariable x) {
        SDVariable max = x.max(true, 1);
        return sd.math.log(sd.math.exp(x.sub(max)).sum(true, 1)).add(max).reshape(-1);
    }

    @Override
    void addNegatives(Map<String, INDArray> placeholders, int[][] targets, Draws draws, FloatBuffer itemTable, int d) {
        int[] table = ((Table) draws).items();
        int k = table.length;
        int batch = targets.length;
        int m = batch == 0 ? 0 : targets[0].length;
        float[] hit = new float[batch * m * k];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < m; i++) {
                int t = targets[b][i];
                for (int j = 0; j < k; j++) {
                    if (table[j] == t) {
                        hit[(b * m + i) * k + j] = EncoderInputs.MASKED;
                    }
                }
            }
        }
        placeholders.put(NEGATIVE_TABLE, EncoderInputs.gatherRows(itemTable, table, d));
        placeholders.put(HIT_BIAS, HostArrays.of(hit, (long) batch * m, k));
    }

    @Override
    public double lossOnRows(float[] out, int[][] targets, int firstHistory, Draws draws, FloatBuffer itemTable,
                             int numItems, int d, float scale, float[] dOut, ItemRowGradients itemGrads, Blas blas) {
        int[] table = ((Table) draws).items();
        int k = table.length;
        int rows = 0;
        for (int[] t : targets) {
            rows += t.length;
        }
        float[] negatives = new float[k * d];
        for (int j = 0; j < k; j++) {
            itemTable.get(table[j] * d, negatives, j * d, d);
        }
        float[] logits = new float[rows * k];
        blas.gemm(false, true, rows, k, d, 1f, out, 0, d, negatives, 0, d, 0f, logits, 0, k);
        float[] targetRow = new float[d];
        double loss = 0;
        int row = 0;
        for (int[] t : targets) {
            for (int target : t) {
                int at = row * d;
                int lo = row * k;
                row++;
                if (target == 0) {
                    Arrays.fill(dOut, at, at + d, 0f);
                    Arrays.fill(logits, lo, lo + k, 0f);
                    continue;
                }
                itemTable.get(target * d, targetRow, 0, d);
                float positive = 0;
                for (int j = 0; j < d; j++) {
                    positive += out[at + j] * targetRow[j];
                }
                // One exponential per score, kept in place and then normalised, as the full softmax does.
                float max = positive;
                for (int j = 0; j < k; j++) {
                    if (table[j] != target) {
                        max = Math.max(max, logits[lo + j]);
                    }
                }
                float positiveExp = (float) Math.exp(positive - max);
                double sum = positiveExp + Exponentials.expMinus(logits, lo, lo + k, max);
                for (int j = 0; j < k; j++) {
                    if (table[j] == target) {
                        sum -= logits[lo + j];
                        logits[lo + j] = 0f;
                    }
                }
                loss += Math.log(sum) + max - positive;
                float norm = (float) (scale / sum);
                for (int j = 0; j < k; j++) {
                    logits[lo + j] *= norm;
                }
                float gp = (float) ((positiveExp / sum - 1) * scale);
                for (int j = 0; j < d; j++) {
                    dOut[at + j] = gp * targetRow[j];
                }
                itemGrads.add(target, out, at, gp);
            }
        }
        blas.gemm(false, false, rows, d, k, 1f, logits, 0, k, negatives, 0, d, 1f, dOut, 0, d);
        float[] negativeGrads = new float[k * d];
        blas.gemm(true, false, k, d, rows, 1f, logits, 0, k, out, 0, d, 0f, negativeGrads, 0, d);
        for (int j = 0; j < k; j++) {
            itemGrads.add(table[j], negativeGrads, j * d, 1f);
        }
        return loss;
    }

    /** A position's scores against the table and, in the graph, the hit mask beside them. */
    @Override
    public long extraBytesPerPosition(int numItems) {
        return 8L * numNegatives;
    }

    @Override
    public List<String> rowInputs() {
        return List.of(TARGET_EMB, NEGATIVE_TABLE);
    }

    @Override
    void scatterNegatives(float[] itemGradient, Map<String, INDArray> gradients, Draws draws, int d) {
        RowScatter.scatter(itemGradient, HostArrays.floats(gradients.get(NEGATIVE_TABLE)),
                new int[][]{((Table) draws).items()}, 1f, d);
    }
}
