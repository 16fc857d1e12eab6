package dev.sasrec.engine.score;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exploration by Gumbel top-K: its limit, its distribution, its propensities and its seed. */
class GumbelTopKTest {

    private static final float[] SCORES = {0f, 2.0f, 1.0f, 0.5f, -1.0f, 1.5f};

    @Test
    void temperatureZeroIsTheTopKWithPropensityOne() {
        GumbelTopK.Draw d = GumbelTopK.draw(SCORES, new int[]{1}, 3, 0, 7);
        assertArrayEquals(new int[]{5, 2, 3}, d.items(), "item 1 excluded");
        assertArrayEquals(new float[]{1.5f, 1.0f, 0.5f}, d.scores());
        assertArrayEquals(new double[]{1, 1, 1}, d.propensities());
        GumbelTopK.Draw cold = GumbelTopK.draw(SCORES, new int[0], 3, 1e-4, 11);
        assertArrayEquals(new int[]{1, 5, 2}, cold.items(), "a temperature near 0 gives the top-K");
        assertTrue(cold.propensities()[0] > 0.999, "and near-certain propensities");
    }

    @Test
    void theSameSeedGivesTheSameListAndSeedsDependOnUserAndEventTime() {
        long seed = GumbelTopK.seedFor(42, 1001, 1_700_000_000L);
        assertArrayEquals(GumbelTopK.draw(SCORES, new int[0], 3, 1.0, seed).items(),
                GumbelTopK.draw(SCORES, new int[0], 3, 1.0, seed).items());
        assertEquals(seed, GumbelTopK.seedFor(42, 1001, 1_700_000_000L));
        assertFalse(seed == GumbelTopK.seedFor(42, 1002, 1_700_000_000L));
        assertFalse(seed == GumbelTopK.seedFor(42, 1001, 1_700_000_001L));
        assertFalse(seed == GumbelTopK.seedFor(43, 1001, 1_700_000_000L));
    }

    @Test
    void firstAndSecondSlotFrequenciesMatchThePropensities() {
        // 40,000 draws of 2 of 5 items at T = 1: the first slot follows softmax(scores), the second the softmax of
        // the items left; chi-square with 4 degrees of freedom below 18.47 (p = 0.001), on fixed seeds.
        int draws = 40_000;
        int[] first = new int[6];
        Map<Integer, int[]> secondGivenFirst = new HashMap<>();
        Map<Integer, Double> firstPropensity = new HashMap<>();
        Map<String, Double> secondPropensity = new HashMap<>();
        for (int i = 0; i < draws; i++) {
            GumbelTopK.Draw d = GumbelTopK.draw(SCORES, new int[0], 2, 1.0, GumbelTopK.seedFor(5, i, 0));
            first[d.items()[0]]++;
            secondGivenFirst.computeIfAbsent(d.items()[0], x -> new int[6])[d.items()[1]]++;
            firstPropensity.put(d.items()[0], d.propensities()[0]);
            secondPropensity.put(d.items()[0] + ">" + d.items()[1], d.propensities()[1]);
        }
        double z = 0;
        for (int item = 1; item <= 5; item++) {
            z += Math.exp(SCORES[item]);
        }
        double chi = 0;
        for (int item = 1; item <= 5; item++) {
            double p = Math.exp(SCORES[item]) / z;
            assertEquals(p, firstPropensity.get(item), 1e-12, "propensity of item " + item + " in the first slot");
            double expected = p * draws;
            chi += (first[item] - expected) * (first[item] - expected) / expected;
        }
        assertTrue(chi < 18.47, "first slot: chi-square " + chi);
        // after the most likely first item (1), the second slot follows the softmax of the other four
        int[] after = secondGivenFirst.get(1);
        int n = java.util.Arrays.stream(after).sum();
        double rest = z - Math.exp(SCORES[1]);
        double chi2 = 0;
        for (int item = 2; item <= 5; item++) {
            double p = Math.exp(SCORES[item]) / rest;
            assertEquals(p, secondPropensity.get("1>" + item), 1e-12, "propensity of " + item + " after 1");
            chi2 += (after[item] - p * n) * (after[item] - p * n) / (p * n);
        }
        assertTrue(chi2 < 16.27, "second slot after item 1 (3 degrees of freedom): chi-square " + chi2);
    }

    @Test
    void aNegativeTemperatureIsRejectedAndFewerAllowedItemsGiveFewerDraws() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GumbelTopK.draw(SCORES, new int[0], 2, -0.5, 1));
        assertEquals("explorationTemperature: invalid value -0.5, expected a finite value >= 0", e.getMessage());
        assertEquals(2, GumbelTopK.draw(SCORES, new int[]{1, 2, 3}, 5, 1.0, 1).items().length);
    }
}
