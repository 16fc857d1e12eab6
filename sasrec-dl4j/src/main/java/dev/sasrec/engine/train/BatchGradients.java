package dev.sasrec.engine.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The loss and gradient of training batches for one network shape, as a training backend computes them. A batch
 * is run in one or more passes: {@link #prepare} makes a pass's random draws (negatives, dropout) on the calling
 * thread, in pass order, and {@link #run} computes it, possibly on another thread, so the result never depends on
 * how passes are scheduled.
 *
 * <p>Not thread-safe, except that {@link #run} may compute prepared passes on different slots at once.
 */
public interface BatchGradients {

    /** A prepared pass: its inputs and random draws. */
    interface Pass {
    }

    /**
     * Prepares a pass over {@code sequences}.
     *
     * @param params    flat parameters (read only)
     * @param sequences each user's training items in time order, at least 2 items each
     * @param seen      per user, the sorted distinct items the user interacted with (excluded from negatives)
     */
    Pass prepare(INDArray params, int[][] sequences, int[][] seen);

    /**
     * Computes a prepared pass on slot {@code slot} (see {@link #slots}), writing its gradient into
     * {@code gradient} (cleared first), holding the item rows it wrote.
     *
     * @return the pass's mean loss over positions with a target, plus the embedding L2 penalty
     */
    double run(int slot, Pass pass, INDArray params, FlatGradient gradient);

    /** Makes slots 0..count-1 available to {@link #run}; call it from one thread before running passes at once. */
    void slots(int count);

    /** Restarts the random draws (negatives and dropout) from {@code seed}. */
    void reseed(long seed);

    /**
     * The loss {@link #run} would return for the same batch and draws, from a forward pass alone: the
     * finite-difference side of a gradient check.
     */
    double loss(INDArray params, int[][] sequences, int[][] seen);

    /** Loss and gradient of one batch in one pass on slot 0. */
    default double compute(INDArray params, int[][] sequences, int[][] seen, FlatGradient gradient) {
        return run(0, prepare(params, sequences, seen), params, gradient);
    }
}
