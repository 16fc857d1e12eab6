package dev.sasrec.engine.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/** The batches of one epoch: every user exactly once, in a seeded random order. */
final class EpochBatches {

    /** Batches per pool when bucketing by length. */
    static final int POOL_BATCHES = 64;

    private EpochBatches() {
    }

    /**
     * Plans an epoch. Without bucketing, users are shuffled and cut into batches. With bucketing, the shuffled users
     * are cut into pools of {@link #POOL_BATCHES} batches, each pool is sorted by sequence length and cut into
     * batches, and the batch order is shuffled.
     *
     * @return user indices per batch
     */
    static List<int[]> plan(TrainingSet data, int batchSize, boolean bucketByLength, SplittableRandom rnd) {
        int users = data.size();
        if (users == 0) {
            throw new IllegalArgumentException("training set has no user with at least 2 items");
        }
        Integer[] order = new Integer[users];
        for (int i = 0; i < users; i++) {
            order[i] = i;
        }
        shuffle(order, rnd);
        if (bucketByLength) {
            int pool = batchSize * POOL_BATCHES;
            Comparator<Integer> byLength = Comparator.comparingInt(u -> data.sequences()[u].length);
            for (int from = 0; from < users; from += pool) {
                Arrays.sort(order, from, Math.min(users, from + pool), byLength);
            }
        }
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < users; from += batchSize) {
            int size = Math.min(batchSize, users - from);
            int[] b = new int[size];
            for (int i = 0; i < size; i++) {
                b[i] = order[from + i];
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
