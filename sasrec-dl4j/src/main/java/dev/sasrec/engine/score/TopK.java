package dev.sasrec.engine.score;

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
        Heap heap = new Heap(Math.min(k, len - 1));
        for (int item = 1; item < len; item++) {
            if (excludedSorted.length == 0 || Arrays.binarySearch(excludedSorted, item) < 0) {
                heap.offer(item, row[from + item]);
            }
        }
        return heap.result();
    }

    /** The k best (item, score) pairs offered so far; NaN scores are ignored, ties go to the smaller id. */
    static final class Heap {
        private final int cap;
        private final int[] items;
        private final float[] scores;
        private int size;

        Heap(int k) {
            this.cap = Math.max(k, 0);
            this.items = new int[cap];
            this.scores = new float[cap];
        }

        /** Lowest score that still enters the heap once it is full. */
        float threshold() {
            return size < cap ? Float.NEGATIVE_INFINITY : scores[0];
        }

        void offer(int item, float score) {
            if (Float.isNaN(score) || cap == 0) {
                return;
            }
            if (size < cap) {
                items[size] = item;
                scores[size] = score;
                siftUp(items, scores, size++);
            } else if (worse(scores[0], items[0], score, item)) {
                items[0] = item;
                scores[0] = score;
                siftDown(items, scores, size);
            }
        }

        /** The selection, best first; empties the heap. */
        Selection result() {
            int[] outItems = new int[size];
            float[] outScores = new float[size];
            for (int i = size - 1; i >= 0; i--) {
                outItems[i] = items[0];
                outScores[i] = scores[0];
                items[0] = items[i];
                scores[0] = scores[i];
                siftDown(items, scores, i);
            }
            size = 0;
            return new Selection(outItems, outScores);
        }
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
