package dev.sasrec.engine.internal;

/**
 * The inverted-dropout factors of one training pass, as a pure function of (pass seed, tensor, history, row,
 * column): 0 with probability {@code rate}, else {@code 1 / (1 - rate)}. Every training backend reads its masks
 * from here, so two backends given the same seed drop exactly the same units whatever their memory layout, and the
 * histories of a pass can be computed on any thread in any order.
 *
 * <p>A row is a position of a history counted from its first real (non-padding) position; for attention weights
 * the row is the query position and the column the key position.
 */
public final class DropoutMasks {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final int UNIFORM_BITS = 24;

    private final long seed;
    private final long keepBelow;
    private final float factor;

    /**
     * @param seed the pass's seed
     * @param rate the dropout rate, in [0, 1)
     */
    public DropoutMasks(long seed, double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate: invalid value " + rate + ", expected a number in [0, 1)");
        }
        this.seed = seed;
        this.keepBelow = Math.round((1 - rate) * (1L << UNIFORM_BITS));
        this.factor = (float) (1.0 / (1 - rate));
    }

    /** Whether any unit can be dropped (rate &gt; 0). */
    public boolean active() {
        return keepBelow < (1L << UNIFORM_BITS);
    }

    /** The mask of the embedding output. */
    public static long embedding() {
        return 1;
    }

    /** The mask of the attention weights of {@code head} in {@code block}. */
    public static long attention(int block, int head) {
        return 2 + 4L * block + ((long) head << 32);
    }

    /** The mask of the feed-forward hidden layer of {@code block}. */
    public static long hidden(int block) {
        return 3 + 4L * block;
    }

    /** The mask of the feed-forward output of {@code block}. */
    public static long output(int block) {
        return 4 + 4L * block;
    }

    /**
     * Writes the factors of columns {@code 0 .. count - 1} of row {@code row} of history {@code history} of mask
     * {@code tensor} into {@code out[offset .. offset + count)}.
     */
    public void fill(long tensor, int history, int row, float[] out, int offset, int count) {
        long h = mix(mix(mix(seed + GOLDEN * (tensor + 1)) + GOLDEN * (history + 1)) + GOLDEN * (row + 1));
        for (int c = 0; c < count; c++) {
            long z = mix(h + GOLDEN * (c + 1));
            out[offset + c] = (z >>> (64 - UNIFORM_BITS)) < keepBelow ? factor : 0f;
        }
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
