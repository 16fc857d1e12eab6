package dev.sasrec.engine.cpu;

import dev.sasrec.engine.model.SasRecNetwork;

/**
 * The encoder's output at the last position of each history, for scoring: the native training backend's encoder
 * ({@link StackedEncoder}) without dropout, with the last block computed for the last position only. Every
 * history is computed over its own positions: no padding, no masks.
 *
 * <p>Not thread-safe: one per thread, as its {@code Scorer}.
 */
public final class LastPositionEncoder {

    private final EncoderWeights weights;
    private final StackedEncoder encoder;

    /** An encoder of {@code network}'s parameters as they are now. */
    public LastPositionEncoder(SasRecNetwork network) {
        this.weights = EncoderWeights.of(network.config(), network.layout(), network.parametersView());
        this.encoder = new StackedEncoder(network.config(), network.numItems());
    }

    /**
     * The encoder output at the last position of each history, row-major [histories.length, d].
     *
     * @param histories item ids in time order, each non-empty, ids in 1..numItems; only the last maxLen are read
     */
    public float[] encode(int[][] histories) {
        return encoder.encodeLast(weights, histories);
    }
}
