package dev.sasrec.engine.eval;


import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.score.ItemScoring;
import java.util.ArrayList;
import java.util.Arrays;
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
    public static RankingMetrics evaluate(ItemScoring scorer, LeaveOneOutSplit split, Split which, Protocol protocol,
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

        int[][] histories = new int[order.size()][];
        int[] targets = new int[order.size()];
        int[][] orderedNegatives = protocol == Protocol.SAMPLED_100 ? new int[order.size()][] : null;
        for (int i = 0; i < order.size(); i++) {
            int u = order.get(i);
            histories[i] = input(split, which, u);
            targets[i] = which == Split.TEST ? split.test()[u] : split.validation()[u];
            if (orderedNegatives != null) {
                orderedNegatives[i] = negatives[u];
            }
        }
        return measure(scorer, histories, targets, orderedNegatives, k, which == Split.TEST ? "test" : "validation");
    }

    /**
     * HR@k and NDCG@k of {@code targets} after {@code histories}, scored in batches in the given order: against the
     * whole catalogue ({@code negatives} null, the full protocol) or against each user's {@code negatives} (the
     * sampled protocol).
     *
     * @param split the name of the split the targets come from, carried into the metrics
     */
    public static RankingMetrics measure(ItemScoring scorer, int[][] histories, int[] targets, int[][] negatives, int k,
                                         String split) {
        double ndcg = 0;
        int hits = 0;
        for (int from = 0; from < histories.length; from += SCORING_BATCH) {
            int to = Math.min(histories.length, from + SCORING_BATCH);
            int[][] batch = Arrays.copyOfRange(histories, from, to);
            int[] batchTargets = Arrays.copyOfRange(targets, from, to);
            int[] ranks = negatives == null ? Ranks.full(scorer, batch, batchTargets)
                    : Ranks.sampled(scorer, batch, batchTargets, Arrays.copyOfRange(negatives, from, to));
            for (int rank : ranks) {
                if (rank < k) {
                    hits++;
                }
                ndcg += Ranks.ndcg(rank, k);
            }
        }
        int n = histories.length;
        return new RankingMetrics(negatives == null ? Protocol.FULL : Protocol.SAMPLED_100, split, k,
                n == 0 ? 0 : ndcg / n, n == 0 ? 0 : (double) hits / n, n);
    }

    private static int[] input(LeaveOneOutSplit split, Split which, int u) {
        return which == Split.TEST ? split.testInput(u) : split.validationInput(u);
    }
}
