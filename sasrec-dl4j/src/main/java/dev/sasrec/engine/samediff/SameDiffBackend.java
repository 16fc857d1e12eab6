package dev.sasrec.engine.samediff;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.train.BatchGradients;
import dev.sasrec.engine.train.TrainingBackend;




/**
 * The training backend on Deeplearning4j SameDiff graphs ({@code samediff}): ND4J's native ops on CPU
 * ({@code nd4j-native}) or GPU ({@code nd4j-cuda}), with the embedding lookups, masks and, for the full softmax,
 * the loss head computed outside the graph.
 */
public final class SameDiffBackend implements TrainingBackend {

    /** This backend's name. */
    public static final String NAME = "samediff";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BatchGradients gradients(SasRecConfig config, int numItems, long seed) {
        return new TrainingStep(config, numItems, seed);
    }

    @Override
    public float[][][] averageAttention(SasRecNetwork network, int[][] histories, int positions) {
        return AttentionMaps.average(network, histories, positions);
    }

    /**
     * Measured as resident memory over passes of 1,600 to 25,600 positions on the CPU backend: about
     * {@code numBlocks * (960 * d + 75 * n * numHeads) + 4,000} bytes, plus what the loss head adds (see
     * docs/RELIABILITY.md).
     */
    @Override
    public long bytesPerPosition(SasRecConfig c, int numItems) {
        long encoder = (long) c.numBlocks() * (960L * c.hiddenUnits() + 75L * c.maxLen() * c.numHeads()) + 4_000L;
        return encoder + c.loss().head(c).extraBytesPerPosition(numItems);
    }
}
