package dev.sasrec.engine.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's generated log: its rule, its tastes, its popularity law and its seed. */
class SyntheticLogTest {

    @Test
    void theSameSeedGivesTheSameLog() {
        SyntheticLog shape = new SyntheticLog(50, 100, 5, 20, 0.4, 0.35, 10, 0.7);
        assertTrue(Arrays.deepEquals(shape.generate(3).sequences(), shape.generate(3).sequences()));
        assertFalse(Arrays.deepEquals(shape.generate(3).sequences(), shape.generate(4).sequences()));
        UserSequences demo = SyntheticLog.DEMO.generate(7);
        assertEquals(2000, demo.numUsers());
        assertEquals(1000, demo.numItems());
        assertTrue(Arrays.stream(demo.sequences()).allMatch(s -> s.length >= 20 && s.length <= 60));
    }

    @Test
    void theRuleSendsEachItemToOneSuccessorWithinItsTastesCycle() {
        // tastes of 10 items: following the rule only, a history cycles through the 10 items of its first taste
        UserSequences log = new SyntheticLog(30, 100, 40, 40, 1.0, 0.0, 10, 0.7).generate(5);
        Map<Integer, Integer> successor = new HashMap<>();
        for (int[] s : log.sequences()) {
            for (int i = 1; i < s.length; i++) {
                Integer was = successor.putIfAbsent(s[i - 1], s[i]);
                assertTrue(was == null || was == s[i], "item " + s[i - 1] + " followed by " + was + " and " + s[i]);
            }
            assertEquals(10, Arrays.stream(s).distinct().count(), "a cycle of one taste: " + Arrays.toString(s));
            assertArrayEquals(Arrays.copyOfRange(s, 0, 10), Arrays.copyOfRange(s, 10, 20));
        }
    }

    @Test
    void tasteDrawsStayWithinTheUsersTwoTastes() {
        // 10 tastes of 20 items: a user's items come from at most 2 of them
        UserSequences log = new SyntheticLog(40, 200, 300, 300, 0.0, 1.0, 10, 0.0).generate(9);
        for (int[] s : log.sequences()) {
            long distinct = Arrays.stream(s).distinct().count();
            assertTrue(distinct <= 40 && distinct >= 15, distinct + " distinct items in " + s.length + " events");
        }
    }

    @Test
    void noiseFollowsTheZipfLaw() {
        UserSequences log = new SyntheticLog(400, 50, 500, 500, 0.0, 0.0, 1, 1.0).generate(11);
        int[] counts = new int[51];
        for (int[] s : log.sequences()) {
            for (int item : s) {
                counts[item]++;
            }
        }
        int[] sorted = Arrays.stream(counts).skip(1).boxed().sorted((a, b) -> b - a).mapToInt(Integer::intValue).toArray();
        // 200,000 draws, weight 1 / r: rank 1 has twice the share of rank 2 and ten times that of rank 10
        assertEquals(2.0, sorted[0] / (double) sorted[1], 0.1);
        assertEquals(10.0, sorted[0] / (double) sorted[9], 0.8);
        double harmonic = 0;
        for (int r = 1; r <= 50; r++) {
            harmonic += 1.0 / r;
        }
        assertEquals(1 / harmonic, sorted[0] / 200_000.0, 0.005);
    }

    @Test
    void anInvalidShapeNamesTheFieldTheValueAndTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SyntheticLog(10, 100, 5, 20, 0.7, 0.5, 10, 0.7));
        assertEquals("tasteStrength: invalid value 0.5, expected a value in [0, 1 - ruleStrength]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SyntheticLog(10, 5, 5, 20, 0.4, 0.3, 10, 0.7));
        assertTrue(e.getMessage().startsWith("items: invalid value 5"), e.getMessage());
    }
}
