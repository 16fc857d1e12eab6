package dev.sasrec.engine.model;

import dev.sasrec.engine.score.Scorer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * A network of {@code config} over {@code numItems} items that starts from {@code previous} (a warm start): every
     * tensor but the item embedding is copied; item i takes row {@code previousRow[i]} of the previous item
     * embedding, or a fresh initialisation from {@code config.seed()} where that is 0. With {@code previousRow} null
     * the catalogues are the same and every row is copied.
     *
     * @param previousRow per item 1..numItems (index 0 unused), its row in {@code previous}, 0 for a new item
     * @throws IllegalArgumentException naming every architecture hyper-parameter ({@link HyperParameter#architecture()})
     *                                  whose value differs, or the catalogue sizes when {@code previousRow} is null
     */
    public static SasRecNetwork warmStart(SasRecNetwork previous, SasRecConfig config, int numItems, int[] previousRow) {
        List<String> mismatches = new ArrayList<>();
        for (String name : HyperParameter.architecture()) {
            HyperParameter h = HyperParameter.named(name);
            Object was = h.valueIn(previous.config);
            Object now = h.valueIn(config);
            if (!was.equals(now)) {
                mismatches.add(name + " " + h.format(was) + " in the previous network, " + h.format(now) + " now");
            }
        }
        if (!mismatches.isEmpty()) {
            throw new IllegalArgumentException("another architecture: " + String.join("; ", mismatches));
        }
        if (previousRow == null) {
            if (previous.numItems != numItems) {
                throw new IllegalArgumentException(previous.numItems + " items in the previous network, " + numItems
                        + " now: without a row mapping a warm start needs the same catalogue size");
            }
            return new SasRecNetwork(config, numItems, previous.params);
        }
        if (previousRow.length != numItems + 1) {
            throw new IllegalArgumentException("previousRow: " + previousRow.length + " entries, expected " + (numItems + 1));
        }
        SasRecNetwork fresh = initialise(config, numItems);
        INDArray params = fresh.params;
        ParameterLayout layout = fresh.layout;
        for (String name : layout.segments().keySet()) {
            if (!name.equals(ParameterLayout.ITEM_EMBEDDING)) {
                layout.view(params, name).assign(previous.layout.view(previous.params, name));
            }
        }
        INDArray table = layout.view(params, ParameterLayout.ITEM_EMBEDDING);
        INDArray oldTable = previous.layout.view(previous.params, ParameterLayout.ITEM_EMBEDDING);
        for (int i = 1; i <= numItems; i++) {
            int j = previousRow[i];
            if (j < 0 || j > previous.numItems) {
                throw new IllegalArgumentException("previousRow[" + i + "] = " + j + ", expected 0.." + previous.numItems);
            }
            if (j > 0) {
                table.get(NDArrayIndex.point(i), NDArrayIndex.all()).assign(oldTable.get(NDArrayIndex.point(j), NDArrayIndex.all()));
            }
        }
        return fresh;
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

    /**
     * The flat parameters without copying, for the engine's scorers and backends, which only read them. Use
     * {@link #parameters()} for a copy of your own.
     */
    public INDArray parametersView() {
        return params;
    }

    /** A scorer over this network; not thread-safe, create one per thread. */
    public Scorer newScorer() {
        return new Scorer(this);
    }
}
