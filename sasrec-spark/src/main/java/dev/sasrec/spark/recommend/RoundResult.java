package dev.sasrec.spark.recommend;

import dev.sasrec.engine.internal.PackedArrays;
import dev.sasrec.engine.train.StateSlice;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * What one averaging round brings back from a partition, or from a run of consecutive partitions merged: sums of
 * the parameters and Adam moments each partition held at the end of the round, weighted by the steps it took,
 * over the item rows the partitions changed (each row with its own weight: the steps of the partitions that changed
 * it) and over the dense part (weighted by the steps of all); and the loss, the steps and the time they took.
 *
 * <p>{@link #merge} adds results in partition order, whatever order Spark delivers them in, so a round's average
 * is the same bit for bit on every run.
 */
final class RoundResult implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int[] NONE = new int[0];

    /** The first partition merged into this result. */
    final int firstPartition;
    /** Item rows changed, ascending. */
    final int[] rows;
    /** Per row, its {@code 3 * d} weighted sums (parameters, first moments, second moments). */
    final float[] rowSums;
    /** Per row, the steps of the partitions that changed it. */
    final long[] rowWeights;
    /** Weighted sums of the dense part's parameters, first and second moments, or null when no step was taken. */
    final double[] denseSums;
    /** Steps taken. */
    final long steps;
    /** The most steps one partition took. */
    final int maxSteps;
    /** Sum of the steps' losses. */
    final double lossSum;
    /** The longest time one partition spent training, in seconds. */
    final double computeSeconds;
    /** Bytes the partitions sent: rows and values of their changes. */
    final long sentBytes;
    /** Partitions that could not train for lack of the round's starting state, ascending. */
    final int[] stalePartitions;

    private RoundResult(int firstPartition, int[] rows, float[] rowSums, long[] rowWeights, double[] denseSums,
                        long steps, int maxSteps, double lossSum, double computeSeconds, long sentBytes,
                        int[] stalePartitions) {
        this.firstPartition = firstPartition;
        this.rows = rows;
        this.rowSums = rowSums;
        this.rowWeights = rowWeights;
        this.denseSums = denseSums;
        this.steps = steps;
        this.maxSteps = maxSteps;
        this.lossSum = lossSum;
        this.computeSeconds = computeSeconds;
        this.sentBytes = sentBytes;
        this.stalePartitions = stalePartitions;
    }

    /** Serialised as one byte array: {@link PackedArrays} copies the row values in bulk. */
    private Object writeReplace() {
        return new Packed(PackedArrays.pack(new int[]{firstPartition, maxSteps}, rows, rowSums, rowWeights, denseSums,
                new long[]{steps, sentBytes}, new double[]{lossSum, computeSeconds}, stalePartitions));
    }

    /** The serialised form of a result. */
    private record Packed(byte[] arrays) implements Serializable {
        private Object readResolve() {
            Object[] a = PackedArrays.unpack(arrays);
            int[] ints = (int[]) a[0];
            long[] longs = (long[]) a[5];
            double[] doubles = (double[]) a[6];
            return new RoundResult(ints[0], (int[]) a[1], (float[]) a[2], (long[]) a[3], (double[]) a[4], longs[0],
                    ints[1], doubles[0], doubles[1], longs[1], (int[]) a[7]);
        }
    }

    /** A partition that took {@code steps} steps and ended the round with {@code changes}. */
    static RoundResult trained(int partition, StateSlice changes, int steps, double lossSum, double seconds) {
        float w = steps;
        float[] values = changes.rowValues();
        float[] sums = new float[values.length];
        for (int i = 0; i < sums.length; i++) {
            sums[i] = values[i] * w;
        }
        long[] weights = new long[changes.rows().length];
        Arrays.fill(weights, steps);
        float[] dense = changes.dense();
        double[] denseSums = new double[dense.length];
        for (int i = 0; i < dense.length; i++) {
            denseSums[i] = (double) dense[i] * steps;
        }
        return new RoundResult(partition, changes.rows(), sums, weights, denseSums, steps, steps, lossSum, seconds,
                changes.bytes(), NONE);
    }

    /** A partition that took no step this round. */
    static RoundResult idle(int partition) {
        return new RoundResult(partition, NONE, new float[0], new long[0], null, 0, 0, 0, 0, 0, NONE);
    }

    /** A partition whose executor does not hold the state the round starts from. */
    static RoundResult stale(int partition) {
        return new RoundResult(partition, NONE, new float[0], new long[0], null, 0, 0, 0, 0, 0, new int[]{partition});
    }

    /**
     * The sum of {@code results}, taken in order of their first partition. Row sums are added in that order, so
     * the result does not depend on the order of the list.
     *
     * @param d width of an item row
     */
    static RoundResult merge(List<RoundResult> results, int d) {
        RoundResult[] in = results.toArray(new RoundResult[0]);
        Arrays.sort(in, (a, b) -> Integer.compare(a.firstPartition, b.firstPartition));
        int width = 3 * d;
        int[] cursor = new int[in.length];
        int total = 0;
        for (RoundResult r : in) {
            total += r.rows.length;
        }
        int[] rows = new int[total];
        float[] sums = new float[total * width];
        long[] weights = new long[total];
        int count = 0;
        while (true) {
            int next = Integer.MAX_VALUE;
            for (int k = 0; k < in.length; k++) {
                if (cursor[k] < in[k].rows.length) {
                    next = Math.min(next, in[k].rows[cursor[k]]);
                }
            }
            if (next == Integer.MAX_VALUE) {
                break;
            }
            rows[count] = next;
            int to = count * width;
            for (int k = 0; k < in.length; k++) {
                RoundResult r = in[k];
                if (cursor[k] < r.rows.length && r.rows[cursor[k]] == next) {
                    int from = cursor[k] * width;
                    for (int j = 0; j < width; j++) {
                        sums[to + j] += r.rowSums[from + j];
                    }
                    weights[count] += r.rowWeights[cursor[k]];
                    cursor[k]++;
                }
            }
            count++;
        }
        double[] dense = null;
        long steps = 0;
        int maxSteps = 0;
        double loss = 0;
        double seconds = 0;
        long sent = 0;
        int[] stale = NONE;
        for (RoundResult r : in) {
            if (r.denseSums != null) {
                if (dense == null) {
                    dense = r.denseSums.clone();
                } else {
                    for (int j = 0; j < dense.length; j++) {
                        dense[j] += r.denseSums[j];
                    }
                }
            }
            steps += r.steps;
            maxSteps = Math.max(maxSteps, r.maxSteps);
            loss += r.lossSum;
            seconds = Math.max(seconds, r.computeSeconds);
            sent += r.sentBytes;
            if (r.stalePartitions.length > 0) {
                int[] all = Arrays.copyOf(stale, stale.length + r.stalePartitions.length);
                System.arraycopy(r.stalePartitions, 0, all, stale.length, r.stalePartitions.length);
                stale = all;
            }
        }
        int first = in.length == 0 ? 0 : in[0].firstPartition;
        return new RoundResult(first, Arrays.copyOf(rows, count), Arrays.copyOf(sums, count * width),
                Arrays.copyOf(weights, count), dense, steps, maxSteps, loss, seconds, sent, stale);
    }

    /**
     * The averaged changes: each row's sums divided by its weight, the dense part's by all the steps.
     *
     * @param iteration the optimiser step count after the round
     * @param dense     the dense part as it was before the round, kept when no partition took a step
     */
    StateSlice average(int iteration, float[] dense) {
        float[] values = new float[rowSums.length];
        int width = rows.length == 0 ? 0 : rowSums.length / rows.length;
        for (int i = 0; i < rows.length; i++) {
            float w = rowWeights[i];
            for (int j = 0; j < width; j++) {
                values[i * width + j] = rowSums[i * width + j] / w;
            }
        }
        float[] averaged = dense;
        if (denseSums != null) {
            averaged = new float[denseSums.length];
            for (int j = 0; j < averaged.length; j++) {
                averaged[j] = (float) (denseSums[j] / steps);
            }
        }
        return new StateSlice(rows, values, averaged, iteration);
    }
}
