package dev.sasrec.engine.eval;

import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.internal.HostArrays;
import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.score.Scorer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two leave-one-out protocols: negative sampling, ranks (ties counted against the target) and the metrics. */
class RanksTest {

    private static final SasRecConfig CONFIG = SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 6).set("numBlocks", 1).set("seed", 4).build();
    private static final int NUM_ITEMS = 30;

    @Test
    void ndcgIsOneOverLog2OfRankPlusTwoInsideTheCutOff() {
        assertEquals(1.0, Ranks.ndcg(0, 10), 1e-15);
        assertEquals(1 / (Math.log(3) / Math.log(2)), Ranks.ndcg(1, 10), 1e-15);
        assertEquals(1 / (Math.log(11) / Math.log(2)), Ranks.ndcg(9, 10), 1e-15);
        assertEquals(0.0, Ranks.ndcg(10, 10));
        assertEquals(0.0, Ranks.ndcg(3, 3));
        assertEquals(0.5, Ranks.ndcg(2, 3), 1e-15);
    }

    @Test
    void negativesAreDrawnUniformlyFromTheItemsNotInteractedWith() {
        int[] interacted = {2, 5, 7};
        int[] counts = new int[11];
        int draws = 14_000;
        for (int item : Ranks.sampleNegatives(interacted, 10, draws, new SplittableRandom(1))) {
            assertTrue(item >= 1 && item <= 10, "item " + item + " outside 1..10");
            counts[item]++;
        }
        for (int item = 1; item <= 10; item++) {
            if (Arrays.binarySearch(interacted, item) >= 0) {
                assertEquals(0, counts[item], "interacted item " + item + " drawn");
            } else {
                assertEquals(draws / 7.0, counts[item], draws / 7.0 * 0.1, "item " + item + " of " + Arrays.toString(counts));
            }
        }
        // A user who interacted with every item gets negatives from the whole catalogue.
        int[] all = Ranks.sampleNegatives(new int[]{1, 2, 3}, 3, 300, new SplittableRandom(2));
        assertEquals(3, Arrays.stream(all).distinct().count());
        assertTrue(Arrays.stream(all).allMatch(i -> i >= 1 && i <= 3));
    }

    @Test
    void ranksCountTheItemsScoringAtLeastAsHighAsTheTarget() {
        Scorer scorer = SasRecNetwork.initialise(CONFIG, NUM_ITEMS).newScorer();
        int[][] histories = {{1, 2, 3}, {4, 5, 4, 9}, {7}};
        int[] targets = {3, 10, 30};
        float[][] scores = new float[histories.length][];
        INDArray all = scorer.scores(histories);
        for (int i = 0; i < histories.length; i++) {
            scores[i] = HostArrays.floats(all.getRow(i));
        }
        int[] expected = new int[histories.length];
        for (int i = 0; i < histories.length; i++) {
            int[] history = histories[i];
            for (int item = 1; item <= NUM_ITEMS; item++) {
                int candidate = item;
                boolean inHistory = Arrays.stream(history).anyMatch(h -> h == candidate);
                if (item != targets[i] && !inHistory && scores[i][item] >= scores[i][targets[i]]) {
                    expected[i]++;
                }
            }
        }
        assertArrayEquals(expected, Ranks.full(scorer, histories, targets), "full ranks, history excluded");

        int[][] negatives = {{4, 5, 6}, {1, 2, 3, 11}, {1}};
        int[] sampled = new int[histories.length];
        for (int i = 0; i < histories.length; i++) {
            for (int n : negatives[i]) {
                sampled[i] += scores[i][n] >= scores[i][targets[i]] ? 1 : 0;
            }
        }
        assertArrayEquals(sampled, Ranks.sampled(scorer, histories, targets, negatives), "sampled ranks");
    }

    @Test
    void tiesCountAgainstTheTarget() {
        SasRecNetwork random = SasRecNetwork.initialise(CONFIG, NUM_ITEMS);
        INDArray params = random.parameters();
        random.layout().view(params, ParameterLayout.ITEM_EMBEDDING).assign(0);
        Scorer flat = new SasRecNetwork(CONFIG, NUM_ITEMS, params).newScorer();
        int[][] histories = {{1, 2, 3}, {4, 4}};
        // Every item scores 0: all items that are neither the target nor in the history rank above it.
        assertArrayEquals(new int[]{NUM_ITEMS - 3, NUM_ITEMS - 2}, Ranks.full(flat, histories, new int[]{3, 9}));
        assertArrayEquals(new int[]{2, 3}, Ranks.sampled(flat, histories, new int[]{3, 9}, new int[][]{{5, 6}, {1, 2, 3}}));
    }

    @Test
    void evaluatorAveragesTheProtocolsMetricsOverUsers() {
        LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticSequences.generate(50, NUM_ITEMS, 4, 12, 0.9, 8));
        Scorer scorer = SasRecNetwork.initialise(CONFIG, NUM_ITEMS).newScorer();
        for (LeaveOneOutEvaluator.Split which : LeaveOneOutEvaluator.Split.values()) {
            int[][] histories = new int[split.numUsers()][];
            int[] targets = new int[split.numUsers()];
            for (int u = 0; u < split.numUsers(); u++) {
                boolean test = which == LeaveOneOutEvaluator.Split.TEST;
                histories[u] = test ? split.testInput(u) : split.validationInput(u);
                targets[u] = test ? split.test()[u] : split.validation()[u];
            }
            int[] ranks = Ranks.full(scorer, histories, targets);
            double ndcg = 0;
            double hits = 0;
            for (int rank : ranks) {
                ndcg += rank < 5 ? 1 / (Math.log(rank + 2) / Math.log(2)) : 0;
                hits += rank < 5 ? 1 : 0;
            }
            RankingMetrics m = LeaveOneOutEvaluator.evaluate(scorer, split, which, Protocol.FULL, 5, 10_000, 1);
            assertEquals(split.numUsers(), m.users());
            assertEquals(5, m.k());
            assertEquals(ndcg / ranks.length, m.ndcg(), 1e-12, which.toString());
            assertEquals(hits / ranks.length, m.hitRate(), 1e-12, which.toString());
            assertTrue(m.hitRate() > 0 && m.hitRate() < 1, "a random model ranks some targets in the top 5: " + m);
        }
        RankingMetrics subset = LeaveOneOutEvaluator.evaluate(scorer, split, LeaveOneOutEvaluator.Split.TEST,
                Protocol.SAMPLED_100, 10, 20, 1);
        assertEquals(20, subset.users(), "at most maxUsers users are evaluated");
        // ... drawn at random by the seed, not the first ones.
        double[] bySeed = new double[4];
        for (int seed = 0; seed < bySeed.length; seed++) {
            bySeed[seed] = LeaveOneOutEvaluator.evaluate(scorer, split, LeaveOneOutEvaluator.Split.TEST, Protocol.FULL, 10, 20, seed).ndcg();
        }
        assertTrue(Arrays.stream(bySeed).distinct().count() > 1, "every seed evaluated the same users: " + Arrays.toString(bySeed));
        assertEquals(String.format(java.util.Locale.ROOT, "test sampled NDCG@10 %.4f HR@10 %.4f (20 users)",
                subset.ndcg(), subset.hitRate()), subset.toString(), "every figure names its protocol and split");
    }

    @Test
    void usersWithoutATargetAreLeftOutAndBatchesOfManyUsersAddUp() {
        // 600 users: more than two scoring batches of 256. Every fifth user has fewer than three items, so no
        // validation or test target, and is not evaluated.
        SplittableRandom random = new SplittableRandom(6);
        int[][] sequences = new int[600][];
        for (int u = 0; u < sequences.length; u++) {
            sequences[u] = random.ints(u % 5 == 0 ? 1 + u % 2 : 3 + random.nextInt(10), 1, NUM_ITEMS + 1).toArray();
        }
        LeaveOneOutSplit split = LeaveOneOutSplit.of(new dev.sasrec.engine.data.UserSequences(sequences, NUM_ITEMS));
        Scorer scorer = SasRecNetwork.initialise(CONFIG, NUM_ITEMS).newScorer();
        int[][] histories = new int[480][];
        int[] targets = new int[480];
        for (int u = 0, i = 0; u < sequences.length; u++) {
            if (u % 5 != 0) {
                histories[i] = split.testInput(u);
                targets[i++] = split.test()[u];
            }
        }
        double ndcg = 0;
        for (int rank : Ranks.full(scorer, histories, targets)) {
            ndcg += Ranks.ndcg(rank, 10);
        }
        RankingMetrics m = LeaveOneOutEvaluator.evaluate(scorer, split, LeaveOneOutEvaluator.Split.TEST, Protocol.FULL, 10, 480, 1);
        assertEquals(480, m.users());
        assertEquals(ndcg / 480, m.ndcg(), 1e-12);

        LeaveOneOutSplit none = LeaveOneOutSplit.of(new dev.sasrec.engine.data.UserSequences(new int[][]{{1}, {2, 3}}, NUM_ITEMS));
        RankingMetrics empty = LeaveOneOutEvaluator.evaluate(scorer, none, LeaveOneOutEvaluator.Split.TEST, Protocol.FULL, 10, 10, 1);
        assertEquals(0, empty.users());
        assertEquals(0.0, empty.ndcg());
        assertEquals(0.0, empty.hitRate());
    }
}
