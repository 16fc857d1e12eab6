package dev.sasrec.engine;

import dev.sasrec.engine.data.LeaveOneOutSplit;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Leave-one-out evaluation under either {@link Protocol}. Ranks are pessimistic: an item scoring equal to the
 * true item counts as ranked above it, so a model that scores everything alike gets no credit.
 */
public final class LeaveOneOutEvaluator {

    /** Which target of the split to predict. */
    public enum Split { VALIDATION, TEST }

    private static final int SCORING_BATCH = 256;

    private LeaveOneOutEvaluator() {
    }

    /**
     * Evaluates {@code scorer} on {@code split}.
     *
     * @param maxUsers evaluate at most this many users, chosen at random (the reference code uses 10,000)
     * @param seed     seed of the user subset and of the sampled protocol's negatives
     */
    public static RankingMetrics evaluate(Scorer scorer, LeaveOneOutSplit split, Split which, Protocol protocol,
                                          int k, int maxUsers, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Integer> users = new ArrayList<>();
        for (int u = 0; u < split.numUsers(); u++) {
            int target = which == Split.TEST ? split.test()[u] : split.validation()[u];
            if (target > 0 && split.train()[u].length > 0) {
                users.add(u);
            }
        }
        if (users.size() > maxUsers) {
            for (int i = users.size() - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                Integer t = users.get(i);
                users.set(i, users.get(j));
                users.set(j, t);
            }
            users = new ArrayList<>(users.subList(0, maxUsers));
            users.sort(Comparator.naturalOrder());
        }
        int[][] negatives = new int[split.numUsers()][];
        if (protocol == Protocol.SAMPLED_100) {
            for (int u : users) {
                negatives[u] = sampleNegatives(split.interacted(u), split.numItems(), 100, rnd);
            }
        }
        // Similar lengths together keep each scoring batch short (batches are trimmed to their longest history).
        List<Integer> order = new ArrayList<>(users);
        order.sort(Comparator.comparingInt(u -> input(split, which, u).length));

        double ndcg = 0;
        int hits = 0;
        for (int from = 0; from < order.size(); from += SCORING_BATCH) {
            int size = Math.min(SCORING_BATCH, order.size() - from);
            int[][] histories = new int[size][];
            int[] targets = new int[size];
            for (int i = 0; i < size; i++) {
                int u = order.get(from + i);
                histories[i] = input(split, which, u);
                targets[i] = which == Split.TEST ? split.test()[u] : split.validation()[u];
            }
            int[] ranks = protocol == Protocol.SAMPLED_100
                    ? sampledRanks(scorer, histories, targets, order.subList(from, from + size), negatives)
                    : fullRanks(scorer, histories, targets);
            for (int rank : ranks) {
                if (rank < k) {
                    hits++;
                    ndcg += 1.0 / (Math.log(rank + 2) / Math.log(2));
                }
            }
        }
        int n = order.size();
        return new RankingMetrics(protocol, which == Split.TEST ? "test" : "validation", k,
                n == 0 ? 0 : ndcg / n, n == 0 ? 0 : (double) hits / n, n);
    }

    private static int[] input(LeaveOneOutSplit split, Split which, int u) {
        return which == Split.TEST ? split.testInput(u) : split.validationInput(u);
    }

    private static int[] sampledRanks(Scorer scorer, int[][] histories, int[] targets, List<Integer> users,
                                      int[][] negatives) {
        int[][] candidates = new int[histories.length][];
        for (int i = 0; i < histories.length; i++) {
            int[] neg = negatives[users.get(i)];
            candidates[i] = new int[neg.length + 1];
            candidates[i][0] = targets[i];
            System.arraycopy(neg, 0, candidates[i], 1, neg.length);
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

    private static int[] fullRanks(Scorer scorer, int[][] histories, int[] targets) {
        INDArray scores = scorer.scores(histories);
        int cols = (int) scores.size(1);
        float[] all = scores.data().asFloat();
        int[] ranks = new int[histories.length];
        for (int i = 0; i < histories.length; i++) {
            int[] excluded = Scorer.sortedDistinct(histories[i]);
            int base = i * cols;
            float t = all[base + targets[i]];
            int rank = 0;
            for (int item = 1; item < cols; item++) {
                if (item != targets[i] && all[base + item] >= t && Arrays.binarySearch(excluded, item) < 0) {
                    rank++;
                }
            }
            ranks[i] = rank;
        }
        return ranks;
    }

    private static int[] sampleNegatives(int[] interactedSorted, int numItems, int count, SplittableRandom rnd) {
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
}
