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
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * gBCE, the generalised binary cross-entropy of gSASRec (Petrov &amp; Macdonald, RecSys 2023): at every position,
 * {@code -beta log sigmoid(s+ + c) - sum_j log(1 - sigmoid(s_j + c))} over the target's score {@code s+} and the
 * scores of {@code K} negatives drawn uniformly for that position (a negative equal to the target is left out).
 * Raising the positive's probability to the power {@code beta = alpha (t (1 - 1/alpha) + 1/alpha)}, with sampling
 * rate {@code alpha = K / (N - 1)} and calibration {@code t} in [0, 1], undoes the overconfidence that sampling
 * negatives gives BCE: {@code t = 1} makes the predicted probabilities those of BCE over the whole catalogue,
 * {@code t = 0} is plain BCE with K negatives.
 *
 * <p>Every score enters its sigmoid shifted by {@code c = log(beta / K)}, the log-odds of the probability
 * {@code beta / (beta + K)} that minimises the loss while nothing is ranked yet. Unshifted, a model starting from
 * scores near 0 first pulls every score down to that base rate through one direction shared by the whole item
 * table, and with many negatives it stays there for hundreds of steps before it learns to rank
 * (docs/BENCHMARKS.md, "gBCE"). A shift common to all items leaves every ranking as it is.
 */
final class GeneralisedBinaryCrossEntropy extends TargetScoringHead {

    /** Item-embedding rows of every position's negatives: [B, m, K, d]. */
    static final String NEGATIVE_ROWS = "gbce_negative_rows";
    /** {@link EncoderInputs#MASKED} where a negative equals the position's target, 0 elsewhere: [B, m, K]. */
    static final String HIT_BIAS = "gbce_hit_bias";
    /** The positive term's weight beta: a scalar. */
    static final String POSITIVE_WEIGHT = "gbce_positive_weight";
    /** The shift c of every score: a scalar. */
    static final String SCORE_SHIFT = "gbce_score_shift";

    private final int numNegatives;
    private final double calibration;
    private final int d;

    GeneralisedBinaryCrossEntropy(int numNegatives, double calibration, int d) {
        this.numNegatives = numNegatives;
        this.calibration = calibration;
        this.d = d;
    }

    /**
     * Per history, the negatives of its positions one after the other, {@code K} per position (0 where a position
     * has no target), drawn from a catalogue of {@code numItems} items.
     */
    record Negatives(int[][] items, int numItems) implements Draws {
    }

    /** The positive term's weight for a catalogue of {@code numItems} items. */
    double beta(int numItems) {
        double alpha = numNegatives / (double) Math.max(1, numItems - 1);
        return alpha * (calibration * (1 - 1 / alpha) + 1 / alpha);
    }

    /** The shift {@code log(beta / K)} of every score before its sigmoid, for a catalogue of {@code numItems} items. */
    double scoreShift(int numItems) {
        return Math.log(beta(numItems) / numNegatives);
    }

    @Override
    public Draws draw(int[][] targets, int[][] seen, int numItems, SplittableRandom sampler) {
        int[][] negatives = new int[targets.length][];
        for (int b = 0; b < targets.length; b++) {
            negatives[b] = new int[targets[b].length * numNegatives];
            for (int i = 0; i < targets[b].length; i++) {
                if (targets[b][i] != 0) {
                    for (int j = 0; j < numNegatives; j++) {
                        negatives[b][i * numNegatives + j] = 1 + sampler.nextInt(numItems);
                    }
                }
            }
        }
        return new Negatives(negatives, numItems);
    }

    @Override
    SDVariable perPosition(SameDiff sd, SDVariable output, SDVariable positive, int d) {
        SDVariable rows = sd.placeHolder(NEGATIVE_ROWS, DataType.FLOAT, -1, -1, numNegatives, d);
        SDVariable shift = sd.placeHolder(SCORE_SHIFT, DataType.FLOAT);
        SDVariable negatives = sd.expandDims(output, 2).mul(rows).sum(3)                  // [B, m, K]
                .add(sd.placeHolder(HIT_BIAS, DataType.FLOAT, -1, -1, numNegatives)).add(shift);
        SDVariable beta = sd.placeHolder(POSITIVE_WEIGHT, DataType.FLOAT);
        return sd.nn.logSigmoid(positive.add(shift)).mul(beta).neg().sub(sd.nn.logSigmoid(negatives.neg()).sum(2));
    }

    @Override
    void addNegatives(Map<String, INDArray> placeholders, int[][] targets, Draws draws, FloatBuffer itemTable, int d) {
        Negatives drawn = (Negatives) draws;
        int batch = targets.length;
        int m = batch == 0 ? 0 : targets[0].length;
        float[] hit = new float[batch * m * numNegatives];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < numNegatives; j++) {
                    int at = i * numNegatives + j;
                    if (targets[b][i] != 0 && drawn.items()[b][at] == targets[b][i]) {
                        hit[b * m * numNegatives + at] = EncoderInputs.MASKED;
                    }
                }
            }
        }
        placeholders.put(NEGATIVE_ROWS, EncoderInputs.gatherRows(itemTable, drawn.items(), 1f, d)
                .reshape(batch, m, numNegatives, d));
        placeholders.put(HIT_BIAS, HostArrays.of(hit, batch, m, numNegatives));
        placeholders.put(POSITIVE_WEIGHT, Nd4j.scalar((float) beta(drawn.numItems())));
        placeholders.put(SCORE_SHIFT, Nd4j.scalar((float) scoreShift(drawn.numItems())));
    }

    @Override
    public double lossOnRows(float[] out, int[][] targets, int firstHistory, Draws draws, FloatBuffer itemTable,
                             int numItems, int d, float scale, float[] dOut, ItemRowGradients itemGrads, Blas blas) {
        Negatives drawn = (Negatives) draws;
        double beta = beta(drawn.numItems());
        float shift = (float) scoreShift(drawn.numItems());
        float[] positiveRow = new float[d];
        float[] negativeRow = new float[d];
        double loss = 0;
        int row = 0;
        for (int u = 0; u < targets.length; u++) {
            int[] t = targets[u];
            int[] negatives = drawn.items()[firstHistory + u];
            for (int i = 0; i < t.length; i++, row++) {
                int at = row * d;
                if (t[i] == 0) {
                    Arrays.fill(dOut, at, at + d, 0f);
                    continue;
                }
                itemTable.get(t[i] * d, positiveRow, 0, d);
                float sp = dot(out, at, positiveRow, d) + shift;
                loss += beta * BinaryCrossEntropy.softplus(-sp);
                float gp = (float) (beta * (BinaryCrossEntropy.sigmoid(sp) - 1) * scale);
                for (int k = 0; k < d; k++) {
                    dOut[at + k] = gp * positiveRow[k];
                }
                itemGrads.add(t[i], out, at, gp);
                for (int j = 0; j < numNegatives; j++) {
                    int item = negatives[i * numNegatives + j];
                    if (item == t[i]) {
                        continue;
                    }
                    itemTable.get(item * d, negativeRow, 0, d);
                    float sn = dot(out, at, negativeRow, d) + shift;
                    loss += BinaryCrossEntropy.softplus(sn);
                    float gn = (float) (BinaryCrossEntropy.sigmoid(sn) * scale);
                    for (int k = 0; k < d; k++) {
                        dOut[at + k] += gn * negativeRow[k];
                    }
                    itemGrads.add(item, out, at, gn);
                }
            }
        }
        return loss;
    }

    private static float dot(float[] a, int offset, float[] b, int d) {
        float s = 0;
        for (int k = 0; k < d; k++) {
            s += a[offset + k] * b[k];
        }
        return s;
    }

    @Override
    public List<String> rowInputs() {
        return List.of(TARGET_EMB, NEGATIVE_ROWS);
    }

    @Override
    void scatterNegatives(float[] itemGradient, Map<String, INDArray> gradients, Draws draws, int d) {
        RowScatter.scatter(itemGradient, HostArrays.floats(gradients.get(NEGATIVE_ROWS)), ((Negatives) draws).items(), 1f, d);
    }

    /** The graph's negative rows, their products with the output and their gradients: three [K, d] per position. */
    @Override
    public long extraBytesPerPosition(int numItems) {
        return 12L * numNegatives * d;
    }
}
