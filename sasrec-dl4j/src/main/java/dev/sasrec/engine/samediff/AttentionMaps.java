package dev.sasrec.engine.samediff;

import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.internal.HostArrays;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.train.TrainingBackends;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;

/** Average attention weights of a network, read from an inference graph over all positions. */
final class AttentionMaps {

    private AttentionMaps() {
    }

    /** See {@link dev.sasrec.engine.train.TrainingBackend#averageAttention}. */
    static float[][][] average(SasRecNetwork network, int[][] histories, int positions) {
        int blocks = network.config().numBlocks();
        int heads = network.config().numHeads();
        int[][] longEnough = TrainingBackends.attentionHistories(network.config(), histories, positions);
        float[][][] mean = new float[blocks][positions][positions];
        if (longEnough.length == 0) {
            return mean;
        }
        SasRecGraph g = SasRecGraph.build(network.config(), network.layout(), SasRecGraph.Mode.ALL_POSITIONS, null);
        g.loadParameters(network.layout(), network.parametersView());
        EncoderInputs inputs = EncoderInputs.of(longEnough, network.config().maxLen(), network.numItems());
        Map<String, INDArray> ph = new HashMap<>();
        SasRecGraph.putEncoderInputs(ph, inputs, network.config(),
                EncoderInputs.itemTable(network.parametersView(), network.layout()));
        String[] names = new String[blocks * heads];
        for (int b = 0; b < blocks; b++) {
            for (int h = 0; h < heads; h++) {
                names[b * heads + h] = SasRecGraph.attentionWeights(b, h);
            }
        }
        RecyclingMemoryManager.install(g.sameDiff());
        Map<String, INDArray> out = g.sameDiff().output(ph, names);
        TrainingStep.release(ph);
        int m = inputs.length;
        double scale = 1.0 / ((double) longEnough.length * heads);
        for (int b = 0; b < blocks; b++) {
            for (int h = 0; h < heads; h++) {
                float[] w = HostArrays.floats(out.get(SasRecGraph.attentionWeights(b, h)));
                for (int u = 0; u < longEnough.length; u++) {
                    for (int i = 0; i < positions; i++) {
                        int row = (u * m + (m - positions + i)) * m + (m - positions);
                        for (int j = 0; j < positions; j++) {
                            mean[b][i][j] += (float) (w[row + j] * scale);
                        }
                    }
                }
            }
        }
        RecyclingMemoryManager.freeAll(g.sameDiff());
        return mean;
    }
}
