package dev.sasrec.engine.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The windows a long training sequence is cut into with {@code allWindows}. */
class TrainingSetTest {

    @Test
    void windowsMakeEveryItemButTheFirstATargetExactlyOnceLastWindowFirst() {
        int maxLen = 20;
        for (int length : new int[]{2, 5, 21, 22, 40, 41, 45, 100}) {
            int[] sequence = IntStream.rangeClosed(1, length).toArray();
            List<int[]> windows = TrainingSet.windows(sequence, maxLen);
            assertArrayEquals(Arrays.copyOfRange(sequence, Math.max(0, length - maxLen - 1), length), windows.get(0),
                    "length " + length + ": the first window is the last maxLen + 1 items");
            int[] targeted = new int[length + 1];
            for (int[] w : windows) {
                assertTrue(w.length >= 2 && w.length <= maxLen + 1, "length " + length + ": a window of " + w.length);
                for (int i = 1; i < w.length; i++) {
                    assertEquals(w[i - 1] + 1, w[i], "length " + length + ": a window is a run of the sequence");
                    targeted[w[i]]++;
                }
            }
            for (int item = 2; item <= length; item++) {
                assertEquals(1, targeted[item], "length " + length + ": item " + item + " as a target");
            }
            assertEquals(0, targeted[1], "the first item is never a target");
            assertEquals(Math.max(1, (length - 2) / maxLen + 1), windows.size(), "length " + length);
        }
        assertEquals(List.of(List.of(7)), TrainingSet.windows(new int[]{7}, maxLen).stream()
                .map(w -> Arrays.stream(w).boxed().toList()).toList(), "too short to train: still one window, counted later");
    }

    @Test
    void allWindowsKeepsEachWindowsUserSeenItems() {
        TrainingSet train = TrainingSet.of(new int[][]{IntStream.rangeClosed(1, 30).toArray(), {3, 4, 3}});
        TrainingSet windows = train.allWindows(10);
        assertEquals(4, windows.size(), "30 items: windows of 11, 11 and 10; 3 items: one");
        for (int w = 0; w < 3; w++) {
            assertArrayEquals(train.seen()[0], windows.seen()[w], "window " + w + " has its user's seen items");
        }
        assertArrayEquals(new int[]{3, 4, 3}, windows.sequences()[3]);
        assertArrayEquals(new int[]{3, 4}, windows.seen()[3]);
    }
}
