package dev.sasrec.engine.train;

import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * The L2 penalty on the item and position embeddings, {@code l2Emb / 2} times their squared norm, which every
 * training backend adds to a batch's loss and gradient.
 */
public final class EmbeddingPenalty {

    private static final List<String> PENALISED = List.of(ParameterLayout.ITEM_EMBEDDING,
            ParameterLayout.POSITION_EMBEDDING);

    private EmbeddingPenalty() {
    }

    /** The penalty of {@code params}; 0 when {@code l2Emb} is 0. */
    public static double value(SasRecConfig config, ParameterLayout layout, INDArray params) {
        if (config.l2Emb() == 0) {
            return 0;
        }
        double sq = 0;
        for (String name : PENALISED) {
            INDArray v = layout.view(params, name);
            sq += v.mul(v).sumNumber().doubleValue();
        }
        return 0.5 * config.l2Emb() * sq;
    }

    /**
     * Adds the penalty's gradient, {@code l2Emb} times the embeddings, into {@code gradient}: every item row, so
     * the gradient then holds them all.
     */
    public static void addGradient(SasRecConfig config, ParameterLayout layout, INDArray params, FlatGradient gradient) {
        if (config.l2Emb() == 0) {
            return;
        }
        gradient.holdAllRows();
        for (String name : PENALISED) {
            layout.view(gradient.values(), name).addi(layout.view(params, name).mul(config.l2Emb()));
        }
    }
}
