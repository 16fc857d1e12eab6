package dev.sasrec.engine;

import dev.sasrec.engine.data.LeaveOneOutSplit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/** Leave-one-out evaluation under either {@link Protocol}, with the ranks of {@link Ranks}. */
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
                negatives[u] = Ranks.sampleNegatives(split.interacted(u), split.numItems(), Ranks.SAMPLED_NEGATIVES, rnd);
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
            int[] ranks;
            if (protocol == Protocol.SAMPLED_100) {
                int[][] neg = new int[size][];
                for (int i = 0; i < size; i++) {
                    neg[i] = negatives[order.get(from + i)];
                }
                ranks = Ranks.sampled(scorer, histories, targets, neg);
            } else {
                ranks = Ranks.full(scorer, histories, targets);
            }
            for (int rank : ranks) {
                if (rank < k) {
                    hits++;
                }
                ndcg += Ranks.ndcg(rank, k);
            }
        }
        int n = order.size();
        return new RankingMetrics(protocol, which == Split.TEST ? "test" : "validation", k,
                n == 0 ? 0 : ndcg / n, n == 0 ? 0 : (double) hits / n, n);
    }

    private static int[] input(LeaveOneOutSplit split, Split which, int u) {
        return which == Split.TEST ? split.testInput(u) : split.validationInput(u);
    }
}
