package dev.sasrec.engine.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Sampled softmax: at every position, the cross-entropy of the target against {@code numNegatives} items drawn
 * uniformly once per pass and shared by all its positions; a negative equal to a position's target is masked out
 * of that position's softmax.
 */
final class SampledSoftmax extends SharedNegativesHead {

    SampledSoftmax(int numNegatives) {
        super(numNegatives, false);
    }

    @Override
    SDVariable perPosition(SameDiff sd, SDVariable positive, SDVariable negatives) {
        return logSumExp(sd, sd.concat(1, positive, negatives)).sub(positive.reshape(-1));
    }

    /**
     * Row-wise log-sum-exp of a [rows, cols] tensor, shifted by the row maximum for stability. SameDiff's own
     * {@code logSumExp} loses its reduction axis in the backward pass on this version.
     */
    private static SDVariable logSumExp(SameDiff sd, SDVariable x) {
        SDVariable max = x.max(true, 1);
        return sd.math.log(sd.math.exp(x.sub(max)).sum(true, 1)).add(max).reshape(-1);
    }

    /** One exponential per score, kept in place and then normalised, as the full softmax does. */
    @Override
    double rowLoss(float positive, float[] logits, int offset, int[] table, int target, Table draws, float scale,
                   float[] positiveGradient) {
        int k = table.length;
        float max = positive;
        for (int j = 0; j < k; j++) {
            if (table[j] != target) {
                max = Math.max(max, logits[offset + j]);
            }
        }
        float positiveExp = (float) Math.exp(positive - max);
        double sum = positiveExp;
        for (int j = 0; j < k; j++) {
            float e = table[j] == target ? 0f : (float) Math.exp(logits[offset + j] - max);
            logits[offset + j] = e;
            sum += e;
        }
        float norm = (float) (scale / sum);
        for (int j = 0; j < k; j++) {
            logits[offset + j] *= norm;
        }
        positiveGradient[0] = (float) ((positiveExp / sum - 1) * scale);
        return Math.log(sum) + max - positive;
    }
}
