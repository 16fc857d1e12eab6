package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.spark.index.ItemVocabulary;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmStartTest {

    private static final SasRecConfig CONFIG = SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 5).set("numBlocks", 1).set("seed", 3).build();

    private static float[] row(SasRecNetwork net, int index) {
        INDArray table = net.layout().view(net.parameters(), ParameterLayout.ITEM_EMBEDDING);
        return table.get(NDArrayIndex.point(index), NDArrayIndex.all()).dup().data().asFloat();
    }

    @Test
    void itemsKeepTheirEmbeddingsAcrossAChangedCatalogueAndNewItemsStartFresh() {
        SasRecNetwork yesterday = SasRecNetwork.initialise(CONFIG.toBuilder().set("seed", 99).build(), 3);
        ItemVocabulary before = new ItemVocabulary(new String[]{"a", "b", "c"}, DataTypes.StringType);
        SASRecModel previous = SASRecModel.fromNetwork(yesterday, before);
        // Today "c" became the most frequent item, "b" is gone and "d" is new.
        ItemVocabulary today = new ItemVocabulary(new String[]{"c", "a", "d"}, DataTypes.StringType);
        WarmStart.Start start = WarmStart.from(previous, "yesterday", CONFIG, 3, today);
        assertEquals(2, start.itemsCarried());
        assertArrayEquals(row(yesterday, 3), row(start.network(), 1), "c moved from index 3 to 1");
        assertArrayEquals(row(yesterday, 1), row(start.network(), 2), "a moved from index 1 to 2");
        SasRecNetwork fresh = SasRecNetwork.initialise(CONFIG, 3);
        assertArrayEquals(row(fresh, 3), row(start.network(), 3), "d starts from the fresh initialisation");
        for (String name : yesterday.layout().segments().keySet()) {
            if (!name.equals(ParameterLayout.ITEM_EMBEDDING)) {
                assertArrayEquals(yesterday.layout().view(yesterday.parameters(), name).dup().data().asFloat(),
                        start.network().layout().view(start.network().parameters(), name).dup().data().asFloat(), name);
            }
        }
    }

    @Test
    void withoutVocabulariesTheCatalogueSizeMustMatch() {
        SASRecModel previous = SASRecModel.fromNetwork(SasRecNetwork.initialise(CONFIG, 3), null);
        assertEquals(3, WarmStart.from(previous, "p", CONFIG, 3, null).itemsCarried());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WarmStart.from(previous, "p", CONFIG, 4, null));
        assertTrue(e.getMessage().contains("3 items") && e.getMessage().contains("4"), e.getMessage());
        IllegalArgumentException arch = assertThrows(IllegalArgumentException.class,
                () -> WarmStart.from(previous, "p", CONFIG.toBuilder().set("hiddenUnits", 16).build(), 3, null));
        assertFalse(arch.getMessage().isEmpty());
    }
}
