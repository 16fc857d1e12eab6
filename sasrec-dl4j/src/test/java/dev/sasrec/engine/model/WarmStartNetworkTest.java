package dev.sasrec.engine.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SasRecNetwork#warmStart}: which rows and tensors come from the previous network, and what it refuses. */
class WarmStartNetworkTest {

    private static final SasRecConfig CONFIG = SasRecConfig.builder().set("hiddenUnits", 4).set("maxLen", 3)
            .set("numBlocks", 1).set("seed", 5).build();
    private static final SasRecNetwork PREVIOUS = SasRecNetwork.initialise(CONFIG.toBuilder().set("seed", 9).build(), 3);

    @Test
    void itemRowsFollowTheMappingAndEveryOtherTensorIsCarried() {
        SasRecConfig now = CONFIG.toBuilder().set("dropout", 0.5).build();
        SasRecNetwork warm = SasRecNetwork.warmStart(PREVIOUS, now, 4, new int[]{0, 3, 1, 0, 2});
        SasRecNetwork fresh = SasRecNetwork.initialise(now, 4);
        assertArrayEquals(row(PREVIOUS, 3), row(warm, 1));
        assertArrayEquals(row(PREVIOUS, 1), row(warm, 2));
        assertArrayEquals(row(fresh, 3), row(warm, 3), "a new item starts fresh");
        assertArrayEquals(row(PREVIOUS, 2), row(warm, 4));
        for (String name : warm.layout().segments().keySet()) {
            if (!name.equals(ParameterLayout.ITEM_EMBEDDING)) {
                assertArrayEquals(tensor(PREVIOUS, name), tensor(warm, name), name);
            }
        }
        assertEquals(now, warm.config());
        SasRecNetwork same = SasRecNetwork.warmStart(PREVIOUS, now, 3, null);
        assertArrayEquals(PREVIOUS.parameters().data().asFloat(), same.parameters().data().asFloat());
    }

    @Test
    void anotherArchitectureOrCatalogueIsRefusedNamingWhatDiffers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SasRecNetwork.warmStart(PREVIOUS,
                CONFIG.toBuilder().set("hiddenUnits", 8).set("maxLen", 4).set("dropout", 0.1).build(), 3, null));
        assertTrue(e.getMessage().contains("hiddenUnits 4 in the previous network, 8 now")
                && e.getMessage().contains("maxLen 3 in the previous network, 4 now")
                && !e.getMessage().contains("dropout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SasRecNetwork.warmStart(PREVIOUS, CONFIG, 5, null));
        assertTrue(e.getMessage().contains("3 items in the previous network, 5 now"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SasRecNetwork.warmStart(PREVIOUS, CONFIG, 2, new int[]{0, 4, 1}));
        assertTrue(e.getMessage().contains("previousRow[1] = 4, expected 0..3"), e.getMessage());
    }

    private static float[] row(SasRecNetwork n, int item) {
        INDArray table = n.layout().view(n.parameters(), ParameterLayout.ITEM_EMBEDDING);
        return table.getRow(item).dup().data().asFloat();
    }

    private static float[] tensor(SasRecNetwork n, String name) {
        return n.layout().view(n.parameters(), name).dup().data().asFloat();
    }
}
