package dev.sasrec.engine.tools;

import dev.sasrec.engine.Scorer;
import dev.sasrec.engine.data.LeaveOneOutSplit;

import java.util.Arrays;
import java.util.Comparator;

/** Times top-K over all items, history excluded, for every user of a split (from their full history). */
final class ScoreAllUsers {

    private ScoreAllUsers() {
    }

    static double seconds(Scorer scorer, LeaveOneOutSplit split, int k) {
        Integer[] users = new Integer[split.numUsers()];
        for (int u = 0; u < users.length; u++) {
            users[u] = u;
        }
        Arrays.sort(users, Comparator.comparingInt(u -> split.testInput(u).length));
        long t0 = System.nanoTime();
        int batch = 256;
        for (int from = 0; from < users.length; from += batch) {
            int size = Math.min(batch, users.length - from);
            int[][] h = new int[size][];
            for (int i = 0; i < size; i++) {
                int u = users[from + i];
                h[i] = split.test()[u] > 0 ? withTest(split, u) : split.train()[u];
            }
            scorer.recommend(h, k, true);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static int[] withTest(LeaveOneOutSplit split, int u) {
        int[] in = split.testInput(u);
        int[] all = Arrays.copyOf(in, in.length + 1);
        all[in.length] = split.test()[u];
        return all;
    }
}
