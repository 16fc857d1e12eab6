package dev.sasrec.engine.score;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The top-K of the whole catalogue for a batch of user vectors, with the item products kept in vector registers:
 * the scores of {@value #USERS} users by one tile of items are summed in registers and compared with each user's
 * current threshold, and only a tile holding a candidate is written out and offered to the user's heap. No score
 * travels through memory, so the product runs at the core's multiply-add rate and the selection costs almost
 * nothing.
 *
 * <p>Uses the JDK's Vector API (module {@code jdk.incubator.vector}); only {@link Scorer} creates one, and only
 * where that module is in the boot layer ({@link Scorer#usesVectorApi}). Each score is the multiply-adds of its
 * dimensions in order, rounded once per step as {@link Math#fma}. Not thread-safe: one per scorer.
 */
final class VectorTopK {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Items of one tile: two vectors. */
    static final int TILE = 2 * LANES;
    /** Users whose products with one tile are summed together: sixteen accumulators, within every x86 register file. */
    static final int USERS = 8;

    private final int numItems;
    private final int d;
    /** Items 1..numItems in tiles of {@link #TILE}, each [d][TILE] (one row per dimension); zeros past the end. */
    private final float[] tiles;
    /** One tile's scores for one user, written only when the tile holds a candidate. */
    private final float[] spilled = new float[TILE];

    /**
     * Packs the item table.
     *
     * @param table    the item embedding table, row-major [numItems + 1, d], row 0 the padding id
     * @param numItems items in the catalogue
     * @param d        embedding width
     */
    VectorTopK(FloatBuffer table, int numItems, int d) {
        this.numItems = numItems;
        this.d = d;
        int tileCount = (numItems + TILE - 1) / TILE;
        this.tiles = new float[tileCount * d * TILE];
        for (int item = 1; item <= numItems; item++) {
            int t = (item - 1) / TILE;
            int lane = (item - 1) % TILE;
            for (int k = 0; k < d; k++) {
                tiles[(t * d + k) * TILE + lane] = table.get(item * d + k);
            }
        }
    }

    /**
     * Offers every item's score to each user's heap, skipping excluded items; a heap receives at least every item
     * that can still enter it.
     *
     * @param users          user vectors, row-major [count, d]
     * @param count          users in the batch
     * @param heaps          one bounded heap per user
     * @param excludedSorted per user, item ids never offered, ascending; an empty array for none
     */
    void select(float[] users, int count, TopK.Heap[] heaps, int[][] excludedSorted) {
        int groups = (count + USERS - 1) / USERS;
        // Users of a group interleaved by dimension: [group][d][USERS]; padding users are zero and never selected.
        float[] grouped = new float[groups * d * USERS];
        for (int u = 0; u < count; u++) {
            for (int k = 0; k < d; k++) {
                grouped[((u / USERS) * d + k) * USERS + u % USERS] = users[u * d + k];
            }
        }
        float[] threshold = new float[groups * USERS];
        Arrays.fill(threshold, Float.POSITIVE_INFINITY);
        for (int u = 0; u < count; u++) {
            threshold[u] = heaps[u].threshold();
        }
        int tileCount = tiles.length / (d * TILE);
        for (int t = 0; t < tileCount; t++) {
            int base = t * d * TILE;
            int from = 1 + t * TILE;
            for (int g = 0; g < groups; g++) {
                int o = g * d * USERS;
                FloatVector a0 = FloatVector.zero(SPECIES);
                FloatVector b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
                FloatVector a4 = a0, b4 = a0, a5 = a0, b5 = a0, a6 = a0, b6 = a0, a7 = a0, b7 = a0;
                for (int k = 0; k < d; k++) {
                    FloatVector x = FloatVector.fromArray(SPECIES, tiles, base + k * TILE);
                    FloatVector y = FloatVector.fromArray(SPECIES, tiles, base + k * TILE + LANES);
                    int uk = o + k * USERS;
                    FloatVector u = FloatVector.broadcast(SPECIES, grouped[uk]);
                    a0 = x.fma(u, a0);
                    b0 = y.fma(u, b0);
                    u = FloatVector.broadcast(SPECIES, grouped[uk + 1]);
                    a1 = x.fma(u, a1);
                    b1 = y.fma(u, b1);
                    u = FloatVector.broadcast(SPECIES, grouped[uk + 2]);
                    a2 = x.fma(u, a2);
                    b2 = y.fma(u, b2);
                    u = FloatVector.broadcast(SPECIES, grouped[uk + 3]);
                    a3 = x.fma(u, a3);
                    b3 = y.fma(u, b3);
                    u = FloatVector.broadcast(SPECIES, grouped[uk + 4]);
                    a4 = x.fma(u, a4);
                    b4 = y.fma(u, b4);
                    u = FloatVector.broadcast(SPECIES, grouped[uk + 5]);
                    a5 = x.fma(u, a5);
                    b5 = y.fma(u, b5);
                    u = FloatVector.broadcast(SPECIES, grouped[uk + 6]);
                    a6 = x.fma(u, a6);
                    b6 = y.fma(u, b6);
                    u = FloatVector.broadcast(SPECIES, grouped[uk + 7]);
                    a7 = x.fma(u, a7);
                    b7 = y.fma(u, b7);
                }
                // Vectors are stored only here, into a plain array: handing them to a method would box them.
                int u0 = g * USERS;
                if (a0.max(b0).compare(VectorOperators.GE, threshold[u0]).anyTrue()) {
                    a0.intoArray(spilled, 0);
                    b0.intoArray(spilled, LANES);
                    offer(u0, from, heaps, excludedSorted, threshold);
                }
                if (a1.max(b1).compare(VectorOperators.GE, threshold[u0 + 1]).anyTrue()) {
                    a1.intoArray(spilled, 0);
                    b1.intoArray(spilled, LANES);
                    offer(u0 + 1, from, heaps, excludedSorted, threshold);
                }
                if (a2.max(b2).compare(VectorOperators.GE, threshold[u0 + 2]).anyTrue()) {
                    a2.intoArray(spilled, 0);
                    b2.intoArray(spilled, LANES);
                    offer(u0 + 2, from, heaps, excludedSorted, threshold);
                }
                if (a3.max(b3).compare(VectorOperators.GE, threshold[u0 + 3]).anyTrue()) {
                    a3.intoArray(spilled, 0);
                    b3.intoArray(spilled, LANES);
                    offer(u0 + 3, from, heaps, excludedSorted, threshold);
                }
                if (a4.max(b4).compare(VectorOperators.GE, threshold[u0 + 4]).anyTrue()) {
                    a4.intoArray(spilled, 0);
                    b4.intoArray(spilled, LANES);
                    offer(u0 + 4, from, heaps, excludedSorted, threshold);
                }
                if (a5.max(b5).compare(VectorOperators.GE, threshold[u0 + 5]).anyTrue()) {
                    a5.intoArray(spilled, 0);
                    b5.intoArray(spilled, LANES);
                    offer(u0 + 5, from, heaps, excludedSorted, threshold);
                }
                if (a6.max(b6).compare(VectorOperators.GE, threshold[u0 + 6]).anyTrue()) {
                    a6.intoArray(spilled, 0);
                    b6.intoArray(spilled, LANES);
                    offer(u0 + 6, from, heaps, excludedSorted, threshold);
                }
                if (a7.max(b7).compare(VectorOperators.GE, threshold[u0 + 7]).anyTrue()) {
                    a7.intoArray(spilled, 0);
                    b7.intoArray(spilled, LANES);
                    offer(u0 + 7, from, heaps, excludedSorted, threshold);
                }
            }
        }
    }

    /** Offers user {@code u} the spilled tile's items that reach its threshold, then updates the threshold. */
    private void offer(int u, int from, TopK.Heap[] heaps, int[][] excludedSorted, float[] threshold) {
        TopK.Heap heap = heaps[u];
        int[] excluded = excludedSorted[u];
        float t = threshold[u];
        int width = Math.min(TILE, numItems - from + 1);
        for (int j = 0; j < width; j++) {
            if (spilled[j] >= t && (excluded.length == 0 || Arrays.binarySearch(excluded, from + j) < 0)) {
                heap.offer(from + j, spilled[j]);
                t = heap.threshold();
            }
        }
        threshold[u] = t;
    }
}
