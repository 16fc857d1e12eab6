package dev.sasrec.spark.recommend;

import dev.sasrec.engine.eval.LeaveOneOutEvaluator;
import dev.sasrec.engine.eval.RankingMetrics;
import dev.sasrec.engine.eval.Ranks;
import dev.sasrec.engine.score.Scorer;
import dev.sasrec.engine.model.SasRecNetwork;
import org.apache.spark.api.java.JavaPairRDD;
import scala.Tuple2;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Per-epoch validation of a {@link SASRec} fit: a seeded sample of users whose last item is kept out of training
 * and ranked after every epoch, on the driver, under both protocols: against the whole catalogue (history excluded,
 * the full protocol) and against 100 items the user never interacted with (the sampled protocol, the same negatives
 * every epoch). Only the sample's histories come to the driver, never the data set.
 */
final class HeldOutValidation implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int K = 10;

    private final Set<Long> keys;
    private final int[][] histories;
    private final int[] targets;
    private final long seed;
    private transient int[][] negatives;

    private HeldOutValidation(Set<Long> keys, int[][] histories, int[] targets, long seed) {
        this.keys = keys;
        this.histories = histories;
        this.targets = targets;
        this.seed = seed;
    }

    /**
     * Draws up to {@code users} histories of at least 3 items (so that at least 2 remain to train on), ranked by
     * a hash of their key and the seed: the same seed and data always give the same sample.
     */
    static HeldOutValidation sample(JavaPairRDD<Long, int[]> keyed, int users, long seed) {
        List<Tuple2<Long, int[]>> drawn = keyed.filter(t -> t._2().length >= 3).takeOrdered(users, new ByHash(seed));
        Set<Long> keys = new HashSet<>();
        int[][] histories = new int[drawn.size()][];
        int[] targets = new int[drawn.size()];
        for (int i = 0; i < drawn.size(); i++) {
            int[] s = drawn.get(i)._2();
            keys.add(drawn.get(i)._1());
            histories[i] = Arrays.copyOf(s, s.length - 1);
            targets[i] = s[s.length - 1];
        }
        return new HeldOutValidation(keys, histories, targets, seed);
    }

    /** {@code keyed} with the last item of every sampled history removed. */
    JavaPairRDD<Long, int[]> holdOut(JavaPairRDD<Long, int[]> keyed) {
        Set<Long> held = keys;
        return keyed.mapToPair(t -> held.contains(t._1())
                ? new Tuple2<>(t._1(), Arrays.copyOf(t._2(), t._2().length - 1)) : t);
    }

    /** Users in the sample. */
    int size() {
        return targets.length;
    }

    /** {@code measured} with the NDCG@10 and HR@10 of {@code network} on the sample, under both protocols. */
    TrainingSummary.Epoch evaluate(TrainingSummary.Epoch measured, SasRecNetwork network) {
        if (targets.length == 0) {
            return measured;
        }
        if (negatives == null) {
            negatives = new int[targets.length][];
            for (int i = 0; i < targets.length; i++) {
                negatives[i] = Ranks.negativesFor(seed, histories[i], targets[i], network.numItems());
            }
        }
        try (Scorer scorer = network.newScorer()) {
            RankingMetrics full = LeaveOneOutEvaluator.measure(scorer, histories, targets, null, K, "validation");
            RankingMetrics sampled = LeaveOneOutEvaluator.measure(scorer, histories, targets, negatives, K, "validation");
            return measured.withValidation(full.ndcg(), full.hitRate(), sampled.ndcg(), sampled.hitRate());
        }
    }

    /** Orders keys by a seeded 64-bit mix, so that the sample is spread over the data and fixed by the seed. */
    private record ByHash(long seed) implements Comparator<Tuple2<Long, int[]>>, Serializable {
        @Override
        public int compare(Tuple2<Long, int[]> a, Tuple2<Long, int[]> b) {
            int c = Long.compare(mix(a._1()), mix(b._1()));
            return c != 0 ? c : Long.compare(a._1(), b._1());
        }

        private long mix(long key) {
            long z = key * 0x9E3779B97F4A7C15L + seed;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }
}
