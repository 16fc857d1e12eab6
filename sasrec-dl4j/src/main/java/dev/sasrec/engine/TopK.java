package dev.sasrec.engine;

import java.util.Arrays;

/**
 * Top-K items per user, best first, with their scores.
 *
 * @param items  item ids per user
 * @param scores the matching scores
 */
public record TopK(int[][] items, float[][] scores) {

    /** One user's selection. */
    record Selection(int[] items, float[] scores) { }

    /**
     * Selects the k best of {@code row[from + 1 .. from + len)} (item i at {@code from + i}; item 0, the padding id,
     * is never chosen) with a bounded min-heap, skipping ids in {@code excludedSorted}. Ties go to the smaller id.
     */
    static Selection select(float[] row, int from, int len, int k, int[] excludedSorted) {
        int cap = Math.min(k, len - 1);
        int[] heapItem = new int[Math.max(cap, 0)];
        float[] heapScore = new float[Math.max(cap, 0)];
        int size = 0;
        for (int item = 1; item < len; item++) {
            float s = row[from + item];
            if (Float.isNaN(s) || (excludedSorted.length > 0 && Arrays.binarySearch(excludedSorted, item) >= 0)) {
                continue;
            }
            if (size < cap) {
                heapItem[size] = item;
                heapScore[size] = s;
                siftUp(heapItem, heapScore, size++);
            } else if (cap > 0 && worse(heapScore[0], heapItem[0], s, item)) {
                heapItem[0] = item;
                heapScore[0] = s;
                siftDown(heapItem, heapScore, size);
            }
        }
        int[] items = new int[size];
        float[] scores = new float[size];
        for (int i = size - 1; i >= 0; i--) {
            items[i] = heapItem[0];
            scores[i] = heapScore[0];
            heapItem[0] = heapItem[i];
            heapScore[0] = heapScore[i];
            siftDown(heapItem, heapScore, i);
        }
        return new Selection(items, scores);
    }

    /** True when (aScore, aItem) ranks below (bScore, bItem). */
    private static boolean worse(float aScore, int aItem, float bScore, int bItem) {
        return aScore < bScore || (aScore == bScore && aItem > bItem);
    }

    private static void siftUp(int[] it, float[] sc, int i) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!worse(sc[i], it[i], sc[p], it[p])) {
                break;
            }
            swap(it, sc, i, p);
            i = p;
        }
    }

    private static void siftDown(int[] it, float[] sc, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int w = i;
            if (l < size && worse(sc[l], it[l], sc[w], it[w])) {
                w = l;
            }
            if (r < size && worse(sc[r], it[r], sc[w], it[w])) {
                w = r;
            }
            if (w == i) {
                return;
            }
            swap(it, sc, i, w);
            i = w;
        }
    }

    private static void swap(int[] it, float[] sc, int a, int b) {
        int ti = it[a];
        it[a] = it[b];
        it[b] = ti;
        float ts = sc[a];
        sc[a] = sc[b];
        sc[b] = ts;
    }
}
