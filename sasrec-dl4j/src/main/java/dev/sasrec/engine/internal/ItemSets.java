package dev.sasrec.engine.internal;

import java.util.Arrays;

/** Sets of item ids as sorted arrays, searched with {@link Arrays#binarySearch(int[], int)}. */
public final class ItemSets {

    private ItemSets() {
    }

    /** The distinct ids of {@code items}, ascending. */
    public static int[] sortedDistinct(int[] items) {
        return Arrays.stream(items).sorted().distinct().toArray();
    }
}
