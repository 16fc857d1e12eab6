package dev.sasrec.spark.recommend;

import dev.sasrec.engine.ParameterLayout;
import dev.sasrec.engine.SasRecConfig;
import dev.sasrec.engine.SasRecNetwork;
import dev.sasrec.spark.index.ItemVocabulary;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The starting point of a warm-started {@link SASRec} fit: the previous model's weights, carried over to this fit's
 * catalogue. When both catalogues carry their raw ids (an {@code ItemIndexer} vocabulary), an item keeps its
 * embedding row wherever its index moved, and items new to the catalogue start from a fresh initialisation, so a
 * nightly retrain can warm-start although yesterday's and today's catalogues differ. Without vocabularies the
 * catalogues must have the same size.
 */
final class WarmStart {

    /** The network to start from and how many of its item rows came from the previous model. */
    record Start(SasRecNetwork network, int itemsCarried) { }

    /** The hyper-parameters that fix the shapes of the network's parameters. */
    private static final List<String> ARCHITECTURE = List.of("hiddenUnits", "maxLen", "numBlocks", "numHeads");

    private WarmStart() {
    }

    static Start from(SASRecModel previousModel, String path, SasRecConfig config, int numItems, ItemVocabulary vocabulary) {
        SasRecNetwork previous = previousModel.network();
        SasRecConfig p = previous.config();
        List<String> mismatches = new ArrayList<>();
        Map<String, String> was = p.toMap();
        Map<String, String> now = config.toMap();
        for (String key : ARCHITECTURE) {
            if (!was.get(key).equals(now.get(key))) {
                mismatches.add(key + " " + was.get(key) + " in the model, " + now.get(key) + " in this estimator");
            }
        }
        if (!mismatches.isEmpty()) {
            throw new IllegalArgumentException("initialModel " + path + " has another architecture: "
                    + String.join("; ", mismatches));
        }
        Optional<ItemVocabulary> before = previousModel.vocabulary();
        if (vocabulary == null || before.isEmpty()) {
            if (previous.numItems() != numItems) {
                throw new IllegalArgumentException("initialModel " + path + " has " + previous.numItems()
                        + " items, the training data " + numItems + "; without item vocabularies on both sides "
                        + "(ItemIndexer output) a warm start needs the same catalogue size");
            }
            return new Start(new SasRecNetwork(config, numItems, previous.parameters()), numItems);
        }
        SasRecNetwork fresh = SasRecNetwork.initialise(config, numItems);
        INDArray params = fresh.parameters();
        ParameterLayout layout = fresh.layout();
        INDArray old = previous.parameters();
        for (String name : layout.segments().keySet()) {
            if (!name.equals(ParameterLayout.ITEM_EMBEDDING)) {
                layout.view(params, name).assign(previous.layout().view(old, name));
            }
        }
        Map<String, Integer> oldIndex = new HashMap<>();
        for (int j = 1; j <= before.get().size(); j++) {
            oldIndex.put(before.get().labels()[j - 1], j);
        }
        INDArray table = layout.view(params, ParameterLayout.ITEM_EMBEDDING);
        INDArray oldTable = previous.layout().view(old, ParameterLayout.ITEM_EMBEDDING);
        int carried = 0;
        for (int i = 1; i <= numItems; i++) {
            Integer j = oldIndex.get(vocabulary.labels()[i - 1]);
            if (j != null) {
                table.get(NDArrayIndex.point(i), NDArrayIndex.all()).assign(oldTable.get(NDArrayIndex.point(j), NDArrayIndex.all()));
                carried++;
            }
        }
        return new Start(new SasRecNetwork(config, numItems, params), carried);
    }
}
