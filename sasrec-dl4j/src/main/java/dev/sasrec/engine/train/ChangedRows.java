package dev.sasrec.engine.train;

import java.util.Arrays;

/**
 * The item-table rows an optimiser changed since it was last reset: listed one by one while steps are lazy, or
 * all of them once a step moved every row.
 */
final class ChangedRows {

    private final boolean[] changed;
    private int[] rows = new int[64];
    private int count;
    private boolean all;

    /** For rows 1..numItems. */
    ChangedRows(int numItems) {
        this.changed = new boolean[numItems + 1];
    }

    void add(int row) {
        if (!all && !changed[row]) {
            changed[row] = true;
            if (count == rows.length) {
                rows = Arrays.copyOf(rows, 2 * count);
            }
            rows[count++] = row;
        }
    }

    void addAll() {
        all = true;
    }

    /** The rows changed, ascending. */
    int[] sorted() {
        if (all) {
            int[] every = new int[changed.length - 1];
            Arrays.setAll(every, i -> i + 1);
            return every;
        }
        int[] out = Arrays.copyOf(rows, count);
        Arrays.sort(out);
        return out;
    }

    void reset() {
        if (all) {
            Arrays.fill(changed, false);
        } else {
            for (int i = 0; i < count; i++) {
                changed[rows[i]] = false;
            }
        }
        count = 0;
        all = false;
    }
}
