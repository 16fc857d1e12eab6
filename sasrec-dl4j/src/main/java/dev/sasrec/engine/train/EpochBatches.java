package dev.sasrec.engine.train;

import dev.sasrec.engine.model.SasRecConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The batches of one epoch, in a seeded random order: every user exactly once ({@link Order#SHUFFLED},
 * {@link Order#LENGTH_BUCKETS}) or each batch drawn with replacement ({@link Order#WITH_REPLACEMENT}).
 */
final class EpochBatches {

    /** Batches per pool when bucketing by length. */
    static final int POOL_BATCHES = 64;

    /** How an epoch's users are put into batches. */
    enum Order {
        /** Users shuffled and cut into batches. */
        SHUFFLED,
        /**
         * Shuffled users cut into pools of {@link #POOL_BATCHES} batches, each pool sorted by sequence length and
         * cut into batches, the batch order shuffled.
         */
        LENGTH_BUCKETS,
        /**
         * As many batches as {@link #SHUFFLED} has, each of the full batch size, every user of a batch drawn
         * uniformly from all users, with replacement.
         */
        WITH_REPLACEMENT;

        /** The order {@code config} asks for. */
        static Order of(SasRecConfig config) {
            return config.bucketByLength() ? LENGTH_BUCKETS : config.drawWithReplacement() ? WITH_REPLACEMENT : SHUFFLED;
        }
    }

    private EpochBatches() {
    }

    /**
     * Plans an epoch.
     *
     * @return user indices per batch
     */
    static List<int[]> plan(TrainingSet data, int batchSize, Order order, SplittableRandom rnd) {
        int users = data.size();
        if (users == 0) {
            throw new IllegalArgumentException("training set has no user with at least 2 items");
        }
        if (order == Order.WITH_REPLACEMENT) {
            List<int[]> batches = new ArrayList<>();
            for (int from = 0; from < users; from += batchSize) {
                batches.add(rnd.ints(batchSize, 0, users).toArray());
            }
            return batches;
        }
        Integer[] shuffled = new Integer[users];
        for (int i = 0; i < users; i++) {
            shuffled[i] = i;
        }
        shuffle(shuffled, rnd);
        boolean bucketByLength = order == Order.LENGTH_BUCKETS;
        if (bucketByLength) {
            int pool = batchSize * POOL_BATCHES;
            Comparator<Integer> byLength = Comparator.comparingInt(u -> data.sequences()[u].length);
            for (int from = 0; from < users; from += pool) {
                Arrays.sort(shuffled, from, Math.min(users, from + pool), byLength);
            }
        }
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < users; from += batchSize) {
            int size = Math.min(batchSize, users - from);
            int[] b = new int[size];
            for (int i = 0; i < size; i++) {
                b[i] = shuffled[from + i];
            }
            batches.add(b);
        }
        if (bucketByLength) {
            int[][] arr = batches.toArray(new int[0][]);
            shuffle(arr, rnd);
            batches = new ArrayList<>(Arrays.asList(arr));
        }
        return batches;
    }

    private static <T> void shuffle(T[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            T t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
