package dev.sasrec.engine.score;

import dev.sasrec.engine.internal.ItemSets;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScorerTest {

    @Test
    void blockwiseTopKEqualsAFullSortAcrossSeveralItemBlocks() {
        int numItems = 2 * Scorer.ITEM_BLOCK + 1234;
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 10).set("numBlocks", 1).set("seed", 9).build();
        SasRecNetwork network = SasRecNetwork.initialise(config, numItems);
        for (boolean vectorApi : new boolean[]{true, false}) {
            assertTopKIsAFullSort(new Scorer(network, vectorApi), numItems);
        }
    }

    static void assertTopKIsAFullSort(Scorer scorer, int numItems) {
        int block = Scorer.ITEM_BLOCK;
        // Histories hold the first and last items of item blocks; k = every item ranks the whole catalogue, so an
        // excluded item that slipped through would show wherever it scores.
        int[][] histories = {{5, block + 808, 2 * block + 400, numItems}, {1}, {numItems - 1, block, block + 1, 2 * block + 1}};
        float[] all = scorer.scores(histories).data().asFloat();
        for (int k : new int[]{25, numItems}) {
            for (boolean exclude : new boolean[]{true, false}) {
                TopK top = scorer.recommend(histories, k, exclude);
                for (int b = 0; b < histories.length; b++) {
                    int row = b;
                    int[] seen = ItemSets.sortedDistinct(histories[b]);
                    int[] expected = IntStream.rangeClosed(1, numItems)
                            .filter(i -> !exclude || Arrays.binarySearch(seen, i) < 0).boxed()
                            .sorted(Comparator.<Integer>comparingDouble(i -> -all[row * (numItems + 1) + i]).thenComparingInt(i -> i))
                            .limit(k).mapToInt(Integer::intValue).toArray();
                    assertArrayEquals(expected, top.items()[b], "history " + b + ", k " + k + ", exclude " + exclude);
                    for (int j = 0; j < expected.length; j++) {
                        assertEquals(all[row * (numItems + 1) + expected[j]], top.scores()[b][j], 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void blockwiseExplorationDrawsWhatADrawOverTheWholeScoreRowDraws() {
        int numItems = 2 * Scorer.ITEM_BLOCK + 77;
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 10).set("numBlocks", 1).set("seed", 4).build();
        Scorer scorer = SasRecNetwork.initialise(config, numItems).newScorer();
        int[][] histories = {{5, Scorer.ITEM_BLOCK + 3, numItems}, {1, 2}, {2 * Scorer.ITEM_BLOCK + 1}};
        long[] seeds = {GumbelTopK.seedFor(1, 10, 100), GumbelTopK.seedFor(1, 11, 100), GumbelTopK.seedFor(1, 10, 101)};
        float[] all = scorer.scores(histories).data().asFloat();
        // a temperature of the scores' spread explores; 0 is the top-K
        for (double temperature : new double[]{0.05, 0}) {
            GumbelTopK.Draw[] draws = scorer.explore(histories, 20, true, temperature, seeds);
            for (int b = 0; b < histories.length; b++) {
                float[] row = Arrays.copyOfRange(all, b * (numItems + 1), (b + 1) * (numItems + 1));
                GumbelTopK.Draw expected = GumbelTopK.draw(row, ItemSets.sortedDistinct(histories[b]), 20, temperature, seeds[b]);
                assertArrayEquals(expected.items(), draws[b].items(), "history " + b + ", T " + temperature);
                assertArrayEquals(expected.scores(), draws[b].scores(), 1e-5f);
                assertArrayEquals(expected.propensities(), draws[b].propensities(), 1e-4);
            }
            if (temperature == 0) {
                TopK top = scorer.recommend(histories, 20, true);
                for (int b = 0; b < histories.length; b++) {
                    assertArrayEquals(top.items()[b], draws[b].items(), "T = 0 is the top-K");
                }
            } else {
                assertFalse(Arrays.equals(scorer.recommend(histories, 20, true).items()[0], draws[0].items()),
                        "T > 0 explores beyond the top-K");
            }
        }
    }

    @Test
    void repeatedBatchesReuseTheirScoreBuffersWithoutCarryingScoresOver() {
        int numItems = Scorer.ITEM_BLOCK + 500;
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 10).set("numBlocks", 1).set("seed", 5).build();
        Scorer scorer = new Scorer(SasRecNetwork.initialise(config, numItems), false);
        int[][] histories = {{3, 4, Scorer.ITEM_BLOCK + 300}, {numItems}, {7}};
        TopK first = scorer.recommend(histories, 12, true);
        for (int call = 0; call < 3; call++) {
            TopK again = scorer.recommend(histories, 12, true);
            for (int b = 0; b < histories.length; b++) {
                assertArrayEquals(first.items()[b], again.items()[b], "call " + call + ", history " + b);
                assertArrayEquals(first.scores()[b], again.scores()[b], 0f, "call " + call + ", history " + b);
            }
        }
    }

    @Test
    void registerTopKSelectsWhatTheBlasPathSelectsForEveryRemainderOfTilesAndUserGroups() {
        assertTrue(Scorer.usesVectorApi(), "the tests run with --add-modules=jdk.incubator.vector (surefire's argLine)");
        int tile = VectorTopK.TILE;
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 12).set("maxLen", 6).set("numBlocks", 1).set("seed", 21).build();
        SplittableRandom random = new SplittableRandom(3);
        for (int numItems : new int[]{1, 5, tile, tile + 1, 3 * tile - 1, 700}) {
            SasRecNetwork network = SasRecNetwork.initialise(config, numItems);
            Scorer registers = new Scorer(network, true);
            Scorer blas = new Scorer(network, false);
            // one user, less than a group, a group, a group and one, several groups
            for (int users : new int[]{1, VectorTopK.USERS - 1, VectorTopK.USERS, VectorTopK.USERS + 1, 3 * VectorTopK.USERS + 5}) {
                int[][] histories = new int[users][];
                for (int b = 0; b < users; b++) {
                    // the catalogue's last item and a tile's first item seen often: exclusion at the tile edges
                    int[] h = random.ints(1 + random.nextInt(8), 1, numItems + 1).toArray();
                    h[0] = b % 2 == 0 ? numItems : Math.min(numItems, 1 + tile * random.nextInt(3));
                    histories[b] = h;
                }
                for (int k : new int[]{1, 10, numItems}) {
                    for (boolean exclude : new boolean[]{true, false}) {
                        TopK expected = blas.recommend(histories, k, exclude);
                        TopK actual = registers.recommend(histories, k, exclude);
                        for (int b = 0; b < users; b++) {
                            String where = numItems + " items, " + users + " users, k " + k + ", exclude " + exclude + ", user " + b;
                            assertArrayEquals(expected.items()[b], actual.items()[b], where);
                            assertArrayEquals(expected.scores()[b], actual.scores()[b], 1e-5f, where);
                        }
                    }
                }
            }
        }
    }

    @Test
    void nextAtLeastFindsTheFirstScoreReachingTheThresholdAndSkipsNaN() {
        float[] scores = {0.5f, Float.NaN, 2f, 1f, 3f, Float.NaN};
        assertEquals(2, Scorer.nextAtLeast(scores, 0, scores.length, 1.5f));
        assertEquals(3, Scorer.nextAtLeast(scores, 3, scores.length, 1f), "a score equal to the threshold counts");
        assertEquals(4, Scorer.nextAtLeast(scores, 3, scores.length, 2.5f));
        assertEquals(6, Scorer.nextAtLeast(scores, 5, scores.length, Float.NEGATIVE_INFINITY), "NaN never qualifies");
        assertEquals(4, Scorer.nextAtLeast(scores, 0, 4, 5f), "none in range gives the range's end");
    }
}
