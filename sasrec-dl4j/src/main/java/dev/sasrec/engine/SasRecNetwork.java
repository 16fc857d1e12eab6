package dev.sasrec.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A SASRec network: its configuration, catalogue size and flat parameter vector (see {@link ParameterLayout}).
 * This is what a checkpoint holds and what scoring reads. Immutable from the outside: {@link #parameters()}
 * returns a copy.
 */
public final class SasRecNetwork {

    private final SasRecConfig config;
    private final int numItems;
    private final ParameterLayout layout;
    private final INDArray params;

    /**
     * @param config   hyper-parameters
     * @param numItems catalogue size N; items are 1..N
     * @param params   flat float vector of {@link ParameterLayout#size()} values; copied
     */
    public SasRecNetwork(SasRecConfig config, int numItems, INDArray params) {
        this.config = config;
        this.numItems = numItems;
        this.layout = ParameterLayout.of(config, numItems);
        if (params.length() != layout.size()) {
            throw new IllegalArgumentException("params: " + params.length() + " values, expected " + layout.size()
                    + " for " + numItems + " items under " + config);
        }
        this.params = params.castTo(DataType.FLOAT).reshape(layout.size()).dup('c');
    }

    /** A freshly initialised network, deterministic in {@code config.seed()}. */
    public static SasRecNetwork initialise(SasRecConfig config, int numItems) {
        return new SasRecNetwork(config, numItems, ParameterLayout.of(config, numItems).initialise(config.seed()));
    }

    /** The hyper-parameters. */
    public SasRecConfig config() {
        return config;
    }

    /** Catalogue size N (items are 1..N, 0 is padding). */
    public int numItems() {
        return numItems;
    }

    /** Where each tensor lives in the flat vector. */
    public ParameterLayout layout() {
        return layout;
    }

    /** A copy of the flat parameter vector. */
    public INDArray parameters() {
        return params.dup();
    }

    /** The flat parameters without copying; callers inside the engine must not modify them. */
    INDArray parametersView() {
        return params;
    }

    /** A scorer over this network; not thread-safe, create one per thread. */
    public Scorer newScorer() {
        return new Scorer(this);
    }
}
