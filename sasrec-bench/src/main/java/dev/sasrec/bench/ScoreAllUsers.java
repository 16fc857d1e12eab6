package dev.sasrec.bench;


import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.score.ScoringPool;
import java.util.Arrays;

/**
 * Times top-K over all items, history excluded, for every user of a split (from their full history), scoring
 * graphs built beforehand.
 */
final class ScoreAllUsers {

    private ScoreAllUsers() {
    }

    static double seconds(ScoringPool pool, LeaveOneOutSplit split, int k) {
        int[][] histories = new int[split.numUsers()][];
        for (int u = 0; u < histories.length; u++) {
            histories[u] = split.test()[u] > 0 ? withTest(split, u) : split.train()[u];
        }
        long t0 = System.nanoTime();
        pool.recommend(histories, k, true);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static int[] withTest(LeaveOneOutSplit split, int u) {
        int[] in = split.testInput(u);
        int[] all = Arrays.copyOf(in, in.length + 1);
        all[in.length] = split.test()[u];
        return all;
    }
}
