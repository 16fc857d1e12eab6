package dev.sasrec.engine.eval;

import dev.sasrec.engine.score.ItemScoring;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;

/**
 * The most-popular baseline: every user gets the same scores, each item's number of occurrences in the training
 * histories. Ranked by {@link Ranks} like the model (the user's own history excluded under the full protocol, ties
 * counted against the true item), it shows how much the sequence adds over popularity.
 */
public final class MostPopular implements ItemScoring, Serializable {

    private static final long serialVersionUID = 1L;

    private final float[] counts;

    private MostPopular(float[] counts) {
        this.counts = counts;
    }

    /** Counts the items 1..numItems of {@code histories} (0, padding, is skipped). */
    public static MostPopular of(int[][] histories, int numItems) {
        long[] counts = new long[numItems + 1];
        for (int[] h : histories) {
            for (int item : h) {
                if (item < 0 || item > numItems) {
                    throw new IllegalArgumentException("item index " + item + " is outside the catalogue 1.." + numItems);
                }
                counts[item]++;
            }
        }
        return fromCounts(counts);
    }

    /** The baseline of given occurrence counts ({@code counts[i]} for item i; entry 0 is ignored). */
    public static MostPopular fromCounts(long[] counts) {
        float[] scores = new float[counts.length];
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("count of item " + i + ": " + counts[i] + ", expected >= 0");
            }
            scores[i] = counts[i];
        }
        scores[0] = Float.NEGATIVE_INFINITY;
        return new MostPopular(scores);
    }

    /** Number of items in the catalogue (padding excluded). */
    public int numItems() {
        return counts.length - 1;
    }

    @Override
    public INDArray scores(int[][] histories) {
        float[] rows = new float[histories.length * counts.length];
        for (int b = 0; b < histories.length; b++) {
            System.arraycopy(counts, 0, rows, b * counts.length, counts.length);
        }
        return Nd4j.create(rows, new long[]{histories.length, counts.length}, DataType.FLOAT);
    }

    @Override
    public float[][] scoreCandidates(int[][] histories, int[][] candidates) {
        float[][] out = new float[candidates.length][];
        for (int b = 0; b < candidates.length; b++) {
            out[b] = new float[candidates[b].length];
            for (int j = 0; j < candidates[b].length; j++) {
                out[b][j] = counts[candidates[b][j]];
            }
        }
        return out;
    }
}
