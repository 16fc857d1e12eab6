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

    /**
     * The k items with the highest keys offered so far, each with the value reported for it (its score: the key
     * itself for a plain top-K, the model score for a {@link GumbelTopK} draw whose key is perturbed); NaN keys are
     * ignored, ties go to the smaller id.
     */
    static final class Heap {
        private final int cap;
        private final int[] items;
        private final float[] scores;
        private final float[] values;
        private int size;

        Heap(int k) {
            this.cap = Math.max(k, 0);
            this.items = new int[cap];
            this.scores = new float[cap];
            this.values = new float[cap];
        }

        /** Lowest score that still enters the heap once it is full. */
        float threshold() {
            return size < cap ? Float.NEGATIVE_INFINITY : scores[0];
        }

        void offer(int item, float score) {
            offer(item, score, score);
        }

        /** Offers {@code item} ranked by {@code key}, reporting {@code value} if it is selected. */
        void offer(int item, float key, float value) {
            if (Float.isNaN(key) || cap == 0) {
                return;
            }
            if (size < cap) {
                items[size] = item;
                scores[size] = key;
                values[size] = value;
                siftUp(size++);
            } else if (worse(scores[0], items[0], key, item)) {
                items[0] = item;
                scores[0] = key;
                values[0] = value;
                siftDown(size);
            }
        }

        /** The selection (items and their values), best first; empties the heap. */
        Selection result() {
            int[] outItems = new int[size];
            float[] outValues = new float[size];
            for (int i = size - 1; i >= 0; i--) {
                outItems[i] = items[0];
                outValues[i] = values[0];
                swap(0, i);
                siftDown(i);
            }
            size = 0;
            return new Selection(outItems, outValues);
        }

        private void siftUp(int i) {
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (!worse(scores[i], items[i], scores[p], items[p])) {
                    break;
                }
                swap(i, p);
                i = p;
            }
        }

        private void siftDown(int size) {
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                int r = l + 1;
                int w = i;
                if (l < size && worse(scores[l], items[l], scores[w], items[w])) {
                    w = l;
                }
                if (r < size && worse(scores[r], items[r], scores[w], items[w])) {
                    w = r;
                }
                if (w == i) {
                    return;
                }
                swap(i, w);
                i = w;
            }
        }

        private void swap(int a, int b) {
            int ti = items[a];
            items[a] = items[b];
            items[b] = ti;
            float ts = scores[a];
            scores[a] = scores[b];
            scores[b] = ts;
            float tv = values[a];
            values[a] = values[b];
            values[b] = tv;
        }
    }

    /** True when (aScore, aItem) ranks below (bScore, bItem). */
    private static boolean worse(float aScore, int aItem, float bScore, int bItem) {
        return aScore < bScore || (aScore == bScore && aItem > bItem);
    }
}
