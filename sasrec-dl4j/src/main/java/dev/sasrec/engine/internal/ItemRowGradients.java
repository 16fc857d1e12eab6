package dev.sasrec.engine.internal;

import java.util.Arrays;

/**
 * Gradients of the item-embedding rows a pass touched, kept sparse: a row per distinct item, in order of first
 * touch. Clearing costs the rows touched, not the catalogue.
 *
 * <p>Not thread-safe: one per thread.
 */
public final class ItemRowGradients {

    private final int d;
    private final int[] slotOf;
    private int[] items = new int[64];
    private float[] rows = new float[64 * 8];
    private int count;

    /** For items 0..numItems (0 being padding) of width {@code d}. */
    public ItemRowGradients(int numItems, int d) {
        this.d = d;
        this.slotOf = new int[numItems + 1];
        Arrays.fill(slotOf, -1);
    }

    /** The offset in {@link #rows()} of {@code item}'s gradient row, a zero row when the item is new. */
    public int row(int item) {
        int slot = slotOf[item];
        if (slot < 0) {
            slot = count++;
            if (slot == items.length) {
                items = Arrays.copyOf(items, 2 * slot);
            }
            if ((long) count * d > rows.length) {
                rows = Arrays.copyOf(rows, Math.max(count * d, 2 * rows.length));
            }
            items[slot] = item;
            slotOf[item] = slot;
            Arrays.fill(rows, slot * d, count * d, 0f);
        }
        return slot * d;
    }

    /** {@code row(item) += scale * source[offset .. offset + d)}. */
    public void add(int item, float[] source, int offset, float scale) {
        int at = row(item);
        for (int j = 0; j < d; j++) {
            rows[at + j] += scale * source[offset + j];
        }
    }

    /** The rows' values: row i at {@code i * d}. Valid until the next call that adds a row. */
    public float[] rows() {
        return rows;
    }

    /** Number of distinct items touched. */
    public int count() {
        return count;
    }

    /** The item of row {@code i}. */
    public int item(int i) {
        return items[i];
    }

    /** Adds every row into {@code table} ([(N + 1) * d], row-major) at its item's row. */
    public void addTo(float[] table) {
        for (int i = 0; i < count; i++) {
            int at = items[i] * d;
            for (int j = 0; j < d; j++) {
                table[at + j] += rows[i * d + j];
            }
        }
    }

    /** Forgets every row. */
    public void clear() {
        for (int i = 0; i < count; i++) {
            slotOf[items[i]] = -1;
        }
        count = 0;
    }
}
