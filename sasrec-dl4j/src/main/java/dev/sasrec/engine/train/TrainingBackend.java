package dev.sasrec.engine.train;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;

/**
 * How the engine computes the forward and backward pass of SASRec. Implementations register themselves through
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.sasrec.engine.train.TrainingBackend} entry) and
 * are chosen by {@link #name()} (see {@link TrainingBackends}); the trainer, the optimiser and the distributed
 * trainer are the same whichever computes the gradients.
 */
public interface TrainingBackend {

    /** The name configurations choose the backend by ({@code trainingBackend}). */
    String name();

    /**
     * Computes losses and gradients for networks of {@code config} over {@code numItems} items, its random draws
     * seeded with {@code seed}.
     */
    BatchGradients gradients(SasRecConfig config, int numItems, long seed);

    /**
     * The attention weights among the last {@code positions} positions, averaged over heads and over the
     * histories that have at least {@code positions} items (the paper's Figure 4): per block a
     * [positions, positions] matrix whose row i holds how much the query at position i attends to each key
     * position (a row sums to at most 1: the rest of the weight goes to earlier positions). All zero when no
     * history is long enough.
     */
    float[][][] averageAttention(SasRecNetwork network, int[][] histories, int positions);

    /**
     * Native (off-heap) bytes one padded position of a training pass needs, with the loss of {@code config}: what
     * sizes passes to an executor's memory.
     */
    long bytesPerPosition(SasRecConfig config, int numItems);

    /**
     * How many passes of a split batch to run at once on {@code cores} cores (see
     * {@link SasRecTrainer#passThreads}): one per core for a backend whose pass runs on one thread, one for a
     * backend that spreads a pass over the cores itself.
     */
    default int concurrentPasses(int cores) {
        return cores;
    }

    /**
     * Whether passes leave native memory behind that only a garbage collection frees (see
     * {@link SasRecTrainer#collectGarbageAbove}); a backend that keeps its buffers from step to step needs none.
     */
    default boolean needsCollections() {
        return true;
    }

    /**
     * Whether a step's gradient may cover every row of the item table, so that the trainer keeps a gradient as long
     * as the parameters off the heap; a backend that lists the item rows its step touched returns false.
     */
    default boolean writesWholeItemTable() {
        return true;
    }
}
