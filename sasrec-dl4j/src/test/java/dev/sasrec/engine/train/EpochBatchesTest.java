package dev.sasrec.engine.train;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.train.EpochBatches.Order;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An epoch's batches: every user once in batches of the configured size, length bucketing, draws with replacement, seeded. */
class EpochBatchesTest {

    /** 1,000 users with histories of 2 to 201 items, lengths in no order. */
    private static TrainingSet data(int users) {
        SplittableRandom random = new SplittableRandom(5);
        int[][] sequences = new int[users][];
        for (int u = 0; u < users; u++) {
            sequences[u] = random.ints(2 + random.nextInt(200), 1, 50).toArray();
        }
        return TrainingSet.of(sequences);
    }

    @Test
    void everyUserOnceInBatchesOfTheBatchSize() {
        TrainingSet data = data(1_000);
        for (Order order : new Order[]{Order.SHUFFLED, Order.LENGTH_BUCKETS}) {
            List<int[]> batches = EpochBatches.plan(data, 64, order, new SplittableRandom(1));
            assertEquals(16, batches.size(), "ceil(1000 / 64) batches");
            int[] seen = new int[1_000];
            int shortBatches = 0;
            for (int[] b : batches) {
                assertTrue(b.length <= 64 && b.length > 0, "batch of " + b.length);
                shortBatches += b.length < 64 ? 1 : 0;
                for (int u : b) {
                    seen[u]++;
                }
            }
            assertEquals(1, shortBatches, "one batch holds the remainder");
            int[] once = new int[1_000];
            Arrays.fill(once, 1);
            assertArrayEquals(once, seen, "every user exactly once (" + order + ")");
        }
    }

    @Test
    void theOrderFollowsTheSeed() {
        TrainingSet data = data(500);
        for (Order order : Order.values()) {
            List<int[]> a = EpochBatches.plan(data, 32, order, new SplittableRandom(7));
            List<int[]> b = EpochBatches.plan(data, 32, order, new SplittableRandom(7));
            List<int[]> c = EpochBatches.plan(data, 32, order, new SplittableRandom(8));
            assertTrue(equal(a, b), "same seed, same batches");
            assertFalse(equal(a, c), "another seed, other batches");
            assertFalse(Arrays.equals(a.get(0), java.util.stream.IntStream.range(0, 32).toArray()), "users are shuffled");
        }
    }

    @Test
    void bucketingGroupsUsersOfSimilarLength() {
        TrainingSet data = data(1_000);
        double bucketed = meanSpread(data, EpochBatches.plan(data, 50, Order.LENGTH_BUCKETS, new SplittableRandom(3)));
        double random = meanSpread(data, EpochBatches.plan(data, 50, Order.SHUFFLED, new SplittableRandom(3)));
        // All 1,000 users fit in one pool of 64 batches, so each bucketed batch is a run of the length-sorted users.
        assertTrue(bucketed < 15, "mean spread of lengths in a bucketed batch " + bucketed);
        assertTrue(random > 150, "mean spread of lengths in a random batch " + random);
        List<int[]> batches = EpochBatches.plan(data, 50, Order.LENGTH_BUCKETS, new SplittableRandom(3));
        int[] longest = batches.stream().mapToInt(b -> Arrays.stream(b).map(u -> data.sequences()[u].length).max().orElseThrow()).toArray();
        boolean ascending = true;
        for (int i = 1; i < longest.length; i++) {
            ascending &= longest[i] >= longest[i - 1];
        }
        assertFalse(ascending, "the bucketed batches come in a shuffled order, not from shortest to longest");
    }

    @Test
    void drawnWithReplacementAnEpochHasAsManyFullBatchesAndMissesAboutAThirdOfTheUsers() {
        TrainingSet data = data(1_000);
        SplittableRandom rnd = new SplittableRandom(11);
        int[] total = new int[1_000];
        double unseen = 0;
        int epochs = 200;
        for (int e = 0; e < epochs; e++) {
            List<int[]> batches = EpochBatches.plan(data, 64, Order.WITH_REPLACEMENT, rnd);
            assertEquals(16, batches.size(), "as many batches as an epoch without replacement");
            int[] seen = new int[1_000];
            for (int[] b : batches) {
                assertEquals(64, b.length, "every batch full");
                for (int u : b) {
                    seen[u]++;
                    total[u]++;
                }
            }
            assertTrue(Arrays.stream(seen).anyMatch(c -> c > 1), "some user twice in an epoch");
            unseen += Arrays.stream(seen).filter(c -> c == 0).count() / 1_000.0;
        }
        // 1,024 draws from 1,000 users leave (1 - 1/1000)^1024 = 35.9% of them out of an epoch.
        assertEquals(0.359, unseen / epochs, 0.01, "mean share of users left out of an epoch");
        // Each user is drawn Binomial(204,800, 1/1000) times: mean 204.8, standard deviation 14.3.
        int min = Arrays.stream(total).min().orElseThrow();
        int max = Arrays.stream(total).max().orElseThrow();
        assertTrue(min > 140 && max < 270, "every user drawn 140 - 270 times in 200 epochs: " + min + " - " + max);
    }

    @Test
    void theBatchOrderFollowsTheConfiguration() {
        assertEquals(Order.SHUFFLED, Order.of(SasRecConfig.builder().build()));
        assertEquals(Order.LENGTH_BUCKETS, Order.of(SasRecConfig.builder().set("bucketByLength", true).build()));
        assertEquals(Order.WITH_REPLACEMENT, Order.of(SasRecConfig.builder().set("drawWithReplacement", true).build()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SasRecConfig.builder()
                .set("drawWithReplacement", true).set("bucketByLength", true).build());
        assertTrue(e.getMessage().startsWith("drawWithReplacement: invalid value true with bucketByLength true"),
                e.getMessage());
    }

    @Test
    void anEmptyTrainingSetIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EpochBatches.plan(TrainingSet.of(new int[0][]), 8, Order.WITH_REPLACEMENT, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("no user with at least 2 items"), e.getMessage());
    }

    private static double meanSpread(TrainingSet data, List<int[]> batches) {
        double sum = 0;
        for (int[] b : batches) {
            int min = Arrays.stream(b).map(u -> data.sequences()[u].length).min().orElseThrow();
            int max = Arrays.stream(b).map(u -> data.sequences()[u].length).max().orElseThrow();
            sum += max - min;
        }
        return sum / batches.size();
    }

    private static boolean equal(List<int[]> a, List<int[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
