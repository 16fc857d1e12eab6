package dev.sasrec.spark.recommend;

import dev.sasrec.engine.train.StateSlice;
import dev.sasrec.spark.SparkTestSession;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The averaging rule of a round (each changed row over the partitions that changed it, the dense part over all,
 * both weighted by steps) and that a round's sum does not depend on the order results arrive in, nor on their
 * trip through Java serialisation.
 */
class RoundResultTest {

    /** Rows of width d = 1: three floats (parameter, first and second moment) per row. */
    private static final int D = 1;

    @Test
    void rowsAreAveragedOverThePartitionsThatChangedThemAndTheDensePartOverAll() {
        // Partition 0 took 8 steps and changed rows 2 and 5; partition 1 took 4 steps and changed rows 5 and 9.
        RoundResult first = RoundResult.trained(0, new StateSlice(new int[]{2, 5},
                new float[]{1, 2, 3, 10, 20, 30}, new float[]{6, 60, 600}, 8), 8, 4.0, 1.5);
        RoundResult second = RoundResult.trained(1, new StateSlice(new int[]{5, 9},
                new float[]{40, 50, 60, 7, 8, 9}, new float[]{3, 30, 300}, 4), 4, 1.0, 2.5);
        RoundResult sum = RoundResult.merge(List.of(second, first, RoundResult.idle(2)), D);
        StateSlice averaged = sum.average(20, new float[]{0, 0, 0});

        assertArrayEquals(new int[]{2, 5, 9}, averaged.rows());
        assertArrayEquals(new float[]{
                1, 2, 3,                                          // only partition 0: its values
                (8 * 10 + 4 * 40) / 12f, (8 * 20 + 4 * 50) / 12f, (8 * 30 + 4 * 60) / 12f, // both, by steps
                7, 8, 9}, averaged.rowValues(), 1e-5f);           // only partition 1: its values
        assertArrayEquals(new float[]{(8 * 6 + 4 * 3) / 12f, (8 * 60 + 4 * 30) / 12f, (8 * 600 + 4 * 300) / 12f},
                averaged.dense(), 1e-4f);
        assertEquals(20, averaged.iteration());
        assertEquals(12, sum.steps);
        assertEquals(8, sum.maxSteps);
        assertEquals(5.0, sum.lossSum);
        assertEquals(2.5, sum.computeSeconds, "the longest partition");
    }

    @Test
    void aRoundWithoutStepsKeepsTheDensePartAndStalePartitionsAreListed() {
        RoundResult sum = RoundResult.merge(List.of(RoundResult.stale(3), RoundResult.idle(0), RoundResult.stale(1)), D);
        assertArrayEquals(new int[]{1, 3}, sum.stalePartitions);
        float[] dense = {1, 2, 3};
        assertArrayEquals(dense, sum.average(7, dense).dense());
        assertEquals(0, sum.average(7, dense).rows().length);
    }

    @Test
    void theSumIsTheSameWhateverTheOrderOfArrivalAndAfterSerialisation() throws Exception {
        List<RoundResult> results = random(12, 11);
        RoundResult inOrder = RoundResult.merge(results, 4);
        List<RoundResult> shuffled = new ArrayList<>();
        for (RoundResult r : results) {
            shuffled.add(roundTrip(r));
        }
        Collections.shuffle(shuffled, new java.util.Random(3));
        RoundResult reordered = roundTrip(RoundResult.merge(shuffled, 4));
        assertArrayEquals(inOrder.rows, reordered.rows);
        assertArrayEquals(inOrder.rowSums, reordered.rowSums);
        assertArrayEquals(inOrder.rowWeights, reordered.rowWeights);
        assertArrayEquals(inOrder.denseSums, reordered.denseSums);
        assertEquals(inOrder.lossSum, reordered.lossSum);
        assertEquals(inOrder.steps, reordered.steps);
    }

    @Test
    void aTreeOfPartialSumsOnTheExecutorsGivesTheSameAverageEveryTime() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        List<RoundResult> results = random(16, 5);
        JavaRDD<RoundResult> rdd = sc.parallelize(results, 16);
        RoundResult direct = ParameterAveraging.sum(rdd, 4, 1);
        RoundResult tree = ParameterAveraging.sum(rdd, 4, 3);
        RoundResult again = ParameterAveraging.sum(rdd, 4, 3);
        assertArrayEquals(tree.rowSums, again.rowSums, "the same tree adds in the same order");
        assertArrayEquals(tree.denseSums, again.denseSums);
        assertArrayEquals(direct.rows, tree.rows);
        assertArrayEquals(direct.rowWeights, tree.rowWeights);
        assertArrayEquals(direct.rowSums, tree.rowSums, 1e-3f);
        assertEquals(direct.steps, tree.steps);
    }

    /** {@code partitions} results over rows 1..40 of width 4, each with its own rows, values and steps. */
    private static List<RoundResult> random(int partitions, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<RoundResult> out = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int[] rows = rnd.ints(1, 41).distinct().limit(1 + rnd.nextInt(15)).sorted().toArray();
            float[] values = new float[rows.length * 12];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) rnd.nextGaussian();
            }
            float[] dense = {(float) rnd.nextGaussian(), (float) rnd.nextGaussian(), (float) rnd.nextGaussian()};
            out.add(RoundResult.trained(p, new StateSlice(rows, values, dense, 3), 1 + rnd.nextInt(8),
                    rnd.nextDouble(), rnd.nextDouble()));
        }
        return out;
    }

    private static RoundResult roundTrip(RoundResult r) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(r);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (RoundResult) in.readObject();
        }
    }
}
