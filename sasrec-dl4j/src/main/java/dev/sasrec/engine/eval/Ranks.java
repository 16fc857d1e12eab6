package dev.sasrec.engine.eval;

import dev.sasrec.engine.internal.HostArrays;
import dev.sasrec.engine.internal.ItemSets;
import dev.sasrec.engine.score.ItemScoring;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Ranks of true next items under the two leave-one-out protocols, and the metrics computed from them. Ranks are
 * 0-based and pessimistic: an item scoring equal to the true item counts as ranked above it, so a model that
 * scores everything alike gets no credit.
 */
public final class Ranks {

    /** Negatives per user in the sampled protocol. */
    public static final int SAMPLED_NEGATIVES = 100;

    private Ranks() {
    }

    /**
     * Full protocol: each target's rank among all items, the items of its own history left out (the target keeps
     * its place even if it occurs in the history).
     */
    public static int[] full(ItemScoring scorer, int[][] histories, int[] targets) {
        INDArray scores = scorer.scores(histories);
        int cols = (int) scores.size(1);
        // Read in place, row by row: a Java copy of a batch's scores is megabytes of garbage per batch.
        FloatBuffer all = scores.data().asNioFloat();
        float[] row = new float[cols];
        int[] ranks = new int[histories.length];
        for (int i = 0; i < histories.length; i++) {
            int[] excluded = ItemSets.sortedDistinct(histories[i]);
            all.get(i * cols, row, 0, cols);
            float t = row[targets[i]];
            int rank = 0;
            for (int item = 1; item < cols; item++) {
                if (item != targets[i] && row[item] >= t && Arrays.binarySearch(excluded, item) < 0) {
                    rank++;
                }
            }
            ranks[i] = rank;
        }
        HostArrays.closeIfOpen(scores);
        return ranks;
    }

    /** Sampled protocol: each target's rank among its row of {@code negatives}. */
    public static int[] sampled(ItemScoring scorer, int[][] histories, int[] targets, int[][] negatives) {
        int[][] candidates = new int[histories.length][];
        for (int i = 0; i < histories.length; i++) {
            candidates[i] = new int[negatives[i].length + 1];
            candidates[i][0] = targets[i];
            System.arraycopy(negatives[i], 0, candidates[i], 1, negatives[i].length);
        }
        float[][] scores = scorer.scoreCandidates(histories, candidates);
        int[] ranks = new int[histories.length];
        for (int i = 0; i < histories.length; i++) {
            float t = scores[i][0];
            int rank = 0;
            for (int j = 1; j < scores[i].length; j++) {
                if (scores[i][j] >= t) {
                    rank++;
                }
            }
            ranks[i] = rank;
        }
        return ranks;
    }

    /**
     * {@code count} items drawn uniformly, with replacement, from 1..numItems minus {@code interactedSorted}
     * (from all items when the user interacted with every one).
     */
    public static int[] sampleNegatives(int[] interactedSorted, int numItems, int count, SplittableRandom rnd) {
        int[] out = new int[count];
        boolean exhausted = interactedSorted.length >= numItems;
        for (int i = 0; i < count; i++) {
            int j;
            do {
                j = 1 + rnd.nextInt(numItems);
            } while (!exhausted && Arrays.binarySearch(interactedSorted, j) >= 0);
            out[i] = j;
        }
        return out;
    }

    /**
     * The sampled protocol's negatives for one user, drawn from a seed derived from {@code seed}, the history and
     * the target, so that they are the same wherever and in whatever order the user is ranked (the model and a
     * baseline, any partitioning).
     */
    public static int[] negativesFor(long seed, int[] history, int target, int numItems) {
        int[] interacted = Arrays.copyOf(history, history.length + 1);
        interacted[history.length] = target;
        interacted = Arrays.stream(interacted).sorted().distinct().toArray();
        long rowSeed = seed * 1_000_003L + Arrays.hashCode(history) * 31L + target;
        return sampleNegatives(interacted, numItems, SAMPLED_NEGATIVES, new SplittableRandom(rowSeed));
    }

    /** NDCG@k of one rank: 1 / log2(rank + 2) when rank &lt; k, else 0. */
    public static double ndcg(int rank, int k) {
        return rank < k ? 1.0 / (Math.log(rank + 2) / Math.log(2)) : 0.0;
    }
}
