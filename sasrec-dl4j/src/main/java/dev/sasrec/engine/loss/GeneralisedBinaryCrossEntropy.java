package dev.sasrec.engine.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * gBCE, the generalised binary cross-entropy of gSASRec (Petrov &amp; Macdonald, RecSys 2023): at every position,
 * {@code -beta log sigmoid(s+) - sum_j log(1 - sigmoid(s_j))} over the target's score {@code s+} and the scores
 * of {@code K} negatives drawn uniformly for each history and shared by its positions (a negative equal to the
 * target is left out). Unlike a softmax, whose negatives compete for one normalised probability, every sampled
 * negative here pushes the output away from its own row: negatives shared by a whole pass push every output the
 * same way, and training collapses (measured: no better than chance after three epochs on MovieLens-1M), so each
 * history draws its own. Raising the positive's probability to the power
 * {@code beta = alpha (t (1 - 1/alpha) + 1/alpha)}, with sampling rate {@code alpha = K / (N - 1)} and calibration
 * {@code t} in [0, 1], undoes the overconfidence that sampling negatives gives BCE: {@code t = 1} makes the
 * predicted probabilities those of BCE over the whole catalogue, {@code t = 0} is plain BCE with K negatives.
 */
final class GeneralisedBinaryCrossEntropy extends SharedNegativesHead {

    /** The positive term's weight beta: a scalar. */
    static final String POSITIVE_WEIGHT = "positive_weight";

    private final int numNegatives;
    private final double calibration;

    GeneralisedBinaryCrossEntropy(int numNegatives, double calibration) {
        super(numNegatives, true);
        this.numNegatives = numNegatives;
        this.calibration = calibration;
    }

    /** The positive term's weight for a catalogue of {@code numItems} items. */
    double beta(int numItems) {
        double alpha = numNegatives / (double) Math.max(1, numItems - 1);
        return alpha * (calibration * (1 - 1 / alpha) + 1 / alpha);
    }

    @Override
    SDVariable perPosition(SameDiff sd, SDVariable positive, SDVariable negatives) {
        SDVariable beta = sd.placeHolder(POSITIVE_WEIGHT, DataType.FLOAT);
        SDVariable positiveTerm = sd.nn.logSigmoid(positive.reshape(-1)).mul(beta).neg();
        return positiveTerm.sub(sd.nn.logSigmoid(negatives.neg()).sum(1));
    }

    @Override
    void addHeadPlaceholders(Map<String, INDArray> placeholders, Table draws) {
        placeholders.put(POSITIVE_WEIGHT, Nd4j.scalar((float) beta(draws.numItems())));
    }

    @Override
    double rowLoss(float positive, float[] logits, int offset, int[] table, int target, Table draws, float scale,
                   float[] positiveGradient) {
        double beta = beta(draws.numItems());
        double loss = beta * BinaryCrossEntropy.softplus(-positive);
        positiveGradient[0] = (float) (beta * (BinaryCrossEntropy.sigmoid(positive) - 1) * scale);
        for (int j = 0; j < table.length; j++) {
            if (table[j] == target) {
                logits[offset + j] = 0f;
            } else {
                float s = logits[offset + j];
                loss += BinaryCrossEntropy.softplus(s);
                logits[offset + j] = (float) (BinaryCrossEntropy.sigmoid(s) * scale);
            }
        }
        return loss;
    }
}
