package dev.sasrec.engine.train;

import java.util.Arrays;

/**
 * The training positions of a batch: for each sequence, its last {@code maxLen} items but one as inputs and the item
 * that follows each of them as its target. Every training backend cuts its batches this way.
 *
 * @param inputs  per sequence, up to maxLen items in time order
 * @param targets per sequence, the next item of each input (as long as its inputs)
 */
public record NextItems(int[][] inputs, int[][] targets) {

    /**
     * Cuts {@code sequences} (each at least 2 items, else an error naming the sequence and its length).
     */
    public static NextItems of(int[][] sequences, int maxLen) {
        int[][] inputs = new int[sequences.length][];
        int[][] targets = new int[sequences.length][];
        for (int b = 0; b < sequences.length; b++) {
            int[] s = sequences[b];
            if (s.length < 2) {
                throw new IllegalArgumentException("training sequence " + b + " has " + s.length + " item(s), expected at least 2");
            }
            int len = Math.min(s.length - 1, maxLen);
            inputs[b] = Arrays.copyOfRange(s, s.length - 1 - len, s.length - 1);
            targets[b] = Arrays.copyOfRange(s, s.length - len, s.length);
        }
        return new NextItems(inputs, targets);
    }

    /** Training positions in all: the inputs' total length. */
    public long positions() {
        long total = 0;
        for (int[] in : inputs) {
            total += in.length;
        }
        return total;
    }
}
