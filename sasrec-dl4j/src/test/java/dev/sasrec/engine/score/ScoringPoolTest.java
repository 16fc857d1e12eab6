package dev.sasrec.engine.score;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScoringPoolTest {

    @Test
    void threadsReturnEveryHistorysTopKInInputOrder() {
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 16).set("maxLen", 20).set("numBlocks", 2).set("seed", 3).build();
        int numItems = 300;
        SasRecNetwork network = SasRecNetwork.initialise(config, numItems);
        SplittableRandom rnd = new SplittableRandom(5);
        // More than two batches, lengths from 1 to past n, in no particular order.
        int[][] histories = new int[2 * ScoringPool.BATCH + 77][];
        for (int u = 0; u < histories.length; u++) {
            histories[u] = rnd.ints(1 + rnd.nextInt(30), 1, numItems + 1).toArray();
        }
        TopK expected = network.newScorer().recommend(histories, 10, true);
        try (ScoringPool pool = new ScoringPool(network, 3)) {
            TopK top = pool.recommend(histories, 10, true);
            assertEquals(histories.length, top.items().length);
            for (int u = 0; u < histories.length; u++) {
                assertArrayEquals(expected.items()[u], top.items()[u], "history " + u);
                assertArrayEquals(expected.scores()[u], top.scores()[u], 1e-5f, "history " + u);
            }
        }
    }

    @Test
    void aBadHistoryFailsTheCallWithTheScorersMessage() {
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 5).set("numBlocks", 1).set("seed", 3).build();
        try (ScoringPool pool = new ScoringPool(SasRecNetwork.initialise(config, 20), 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pool.recommend(new int[][]{{1, 2}, {3, 99}}, 5, true));
            assertEquals(true, e.getMessage().contains("item id 99"), e.getMessage());
        }
    }
}
