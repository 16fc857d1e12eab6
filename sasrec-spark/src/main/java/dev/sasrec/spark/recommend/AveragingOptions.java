package dev.sasrec.spark.recommend;

import java.io.Serializable;

/**
 * How {@link ParameterAveraging} spreads training over the cluster.
 *
 * @param numWorkers          partitions trained in parallel
 * @param sqrtLearningRate    whether each worker's learning rate is the configured one times {@code sqrt(numWorkers)}:
 *                            each worker's Adam step divides by second moments of gradients from a share of the
 *                            batch, noisier and so larger than the whole batch's, and the average of the workers'
 *                            steps is shorter than the engine's step on the whole batch (measured on ML-1M with two
 *                            workers: the averaged model's loss at epoch 20 was the engine's at epoch 16 whether
 *                            averaging every 2 or every 8 steps; with the square root, it follows the engine's)
 * @param averagingFrequency  local steps of each worker between two averages
 * @param maxRoundsPerEpoch   most averaging rounds in an epoch: above {@code averagingFrequency * maxRoundsPerEpoch}
 *                            steps per worker, a round takes {@code ceil(steps / maxRoundsPerEpoch)} local steps
 * @param aggregationDepth    depth of the {@code treeAggregate} that sums the workers' results
 * @param maxPositionsPerPass padded positions a worker computes in one pass
 * @param collectionSlack     how far an executor's resident memory may exceed its maximum heap before a task runs
 *                            the garbage collector after a step ({@code Long.MAX_VALUE}: never); see
 *                            {@link NativeMemoryBudget#collectionSlack}
 * @param trainingBackend     the engine's training backend, by name
 */
record AveragingOptions(int numWorkers, boolean sqrtLearningRate, int averagingFrequency, int maxRoundsPerEpoch,
                        int aggregationDepth, int maxPositionsPerPass, long collectionSlack, String trainingBackend)
        implements Serializable {

    /** Local steps of each worker in a round of an epoch whose longest partition has {@code batches} steps. */
    int stepsPerRound(int batches) {
        return Math.max(averagingFrequency, (batches + maxRoundsPerEpoch - 1) / maxRoundsPerEpoch);
    }

    /** These options with the pass size and collection slack an executor's native memory allows. */
    AveragingOptions sizedTo(int positionsPerPass, long slack) {
        return new AveragingOptions(numWorkers, sqrtLearningRate, averagingFrequency, maxRoundsPerEpoch, aggregationDepth,
                positionsPerPass, slack, trainingBackend);
    }
}
