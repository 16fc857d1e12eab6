package dev.sasrec.spark.recommend;

import org.apache.spark.api.java.JavaRDD;

import java.io.Serializable;

/**
 * What identifies a training set for resuming from a checkpoint: the number of training histories and the sum of
 * their content keys ({@link DistributedTrainer#contentKey}). The sum does not depend on partitioning or row order, and a
 * changed, added or removed history changes it (up to 64-bit collisions).
 *
 * @param sequences   training histories
 * @param contentHash sum of the histories' content keys, modulo 2^64
 */
record DataFingerprint(long sequences, long contentHash) implements Serializable {

    /** The fingerprint of {@code histories}, in one Spark job. */
    static DataFingerprint of(JavaRDD<int[]> histories) {
        long[] sums = histories.aggregate(new long[2], (acc, h) -> {
            acc[0]++;
            acc[1] += DistributedTrainer.contentKey(h);
            return acc;
        }, (a, b) -> {
            a[0] += b[0];
            a[1] += b[1];
            return a;
        });
        return new DataFingerprint(sums[0], sums[1]);
    }
}
