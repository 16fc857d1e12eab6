package dev.sasrec.engine.cpu;

import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.train.BatchGradients;
import dev.sasrec.engine.train.TrainingBackend;
import dev.sasrec.engine.train.TrainingBackends;
import org.nd4j.linalg.factory.Nd4j;


/**
 * The native CPU training backend ({@code native}): the encoder's forward and backward pass written directly over
 * the stacked real positions of a batch (no padding, no masks, no graph), one BLAS product per projection,
 * attention history by history, buffers reused from step to step, and a batch's histories split over
 * {@link NativeThreads#get()} worker threads.
 *
 * <p>Each worker calls OpenBLAS on its own, so creating this backend's gradients with more than one worker limits
 * OpenBLAS to one thread per call, process-wide: two threads each running single-threaded products finish sooner
 * than two threads sharing a team.
 */
public final class NativeBackend implements TrainingBackend {

    /** This backend's name. */
    public static final String NAME = "native";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BatchGradients gradients(SasRecConfig config, int numItems, long seed) {
        int workers = NativeThreads.get();
        if (workers > 1) {
            Nd4j.factory().blas().setMaxThreads(1);
        }
        return new NativeGradients(config, numItems, seed, workers);
    }

    /** One: a pass is spread over the worker threads. */
    @Override
    public int concurrentPasses(int cores) {
        return 1;
    }

    /** None: the buffers are Java arrays kept from step to step. */
    @Override
    public boolean needsCollections() {
        return false;
    }

    /** No: a step lists the item rows it touched. */
    @Override
    public boolean writesWholeItemTable() {
        return false;
    }

    @Override
    public float[][][] averageAttention(SasRecNetwork network, int[][] histories, int positions) {
        SasRecConfig c = network.config();
        int[][] longEnough = TrainingBackends.attentionHistories(c, histories, positions);
        float[][][] mean = new float[c.numBlocks()][positions][positions];
        if (longEnough.length == 0) {
            return mean;
        }
        StackedEncoder encoder = new StackedEncoder(c, network.numItems());
        encoder.forward(EncoderWeights.of(c, network.layout(), network.parametersView()), longEnough, 0, null);
        int heads = c.numHeads();
        double scale = 1.0 / ((double) longEnough.length * heads);
        for (int b = 0; b < c.numBlocks(); b++) {
            float[] w = encoder.attentionWeights(b);
            for (int u = 0; u < longEnough.length; u++) {
                int len = encoder.first(u + 1) - encoder.first(u);
                int skip = len - positions;
                for (int h = 0; h < heads; h++) {
                    int at = encoder.weightOffset(u) + h * len * len;
                    for (int i = 0; i < positions; i++) {
                        for (int j = 0; j < positions; j++) {
                            mean[b][i][j] += (float) (w[at + (skip + i) * len + skip + j] * scale);
                        }
                    }
                }
            }
        }
        return mean;
    }

    /**
     * What one position of a pass holds, on the Java heap: about 14 [d] arrays per block and 8 more, the attention
     * weights and their dropout factors (up to n per head and block), plus what the loss head adds.
     */
    @Override
    public long bytesPerPosition(SasRecConfig c, int numItems) {
        long perBlock = 14L * c.hiddenUnits() + 2L * c.maxLen() * c.numHeads();
        long encoder = 4L * (c.numBlocks() * perBlock + 8L * c.hiddenUnits());
        return encoder + c.loss().head(c).extraBytesPerPosition(numItems);
    }
}
