package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.spark.index.ItemVocabulary;

import java.util.HashMap;
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

    private WarmStart() {
    }

    static Start from(SASRecModel previousModel, String path, SasRecConfig config, int numItems, ItemVocabulary vocabulary) {
        SasRecNetwork previous = previousModel.network();
        Optional<ItemVocabulary> before = previousModel.vocabulary();
        int[] previousRow = null;
        int carried = numItems;
        if (vocabulary != null && before.isPresent()) {
            Map<String, Integer> oldIndex = new HashMap<>();
            for (int j = 1; j <= before.get().size(); j++) {
                oldIndex.put(before.get().labels()[j - 1], j);
            }
            previousRow = new int[numItems + 1];
            carried = 0;
            for (int i = 1; i <= numItems; i++) {
                previousRow[i] = oldIndex.getOrDefault(vocabulary.labels()[i - 1], 0);
                carried += previousRow[i] > 0 ? 1 : 0;
            }
        }
        try {
            return new Start(SasRecNetwork.warmStart(previous, config, numItems, previousRow), carried);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("initialModel " + path + ": " + e.getMessage()
                    + (previousRow == null ? " (item vocabularies on both sides, ItemIndexer output, lift this)" : ""), e);
        }
    }
}
