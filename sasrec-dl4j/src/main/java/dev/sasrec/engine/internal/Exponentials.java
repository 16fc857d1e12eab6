package dev.sasrec.engine.internal;

/**
 * The exponentials of a softmax, in loops the JIT compiles to vector instructions ({@link Math#exp} is a call
 * per value, which no JIT vectorises).
 *
 * <p>exp(x) is taken as (1 + u)^256 with u = exp(x / 256) - 1 from its degree-7 Taylor polynomial. The first four
 * of the eight squarings run in the form u &lt;- u (2 + u), which keeps u's own precision where a plain product
 * would round 1 + u and multiply that error by 256; the last four square 1 + u, which keeps the relative
 * precision of small results (u-form to the end would round every result below about 6e-8 to 0 or 6e-8, a bias
 * a large catalogue's denominator adds up). Only multiplications and additions, so a loop runs several values
 * per instruction. For x in [-80, 0], the range a softmax needs once its row maximum is subtracted, the error
 * is below 1e-6 in absolute terms (a softmax's denominator is at least 1), below 2e-6 relative for x &gt; -3
 * and below 3e-4 relative anywhere; below -80 the argument is raised to -80, which keeps the polynomial in its
 * range. Deterministic: the same inputs give the same bits.
 */
public final class Exponentials {

    /** Arguments below this are raised to it. */
    static final float LOWEST = -80f;

    /** Values summed in float before their total goes into the double sum. */
    private static final int BLOCK = 512;

    private static final float SCALE = 1f / 256;
    private static final float C2 = 1f / 2;
    private static final float C3 = 1f / 6;
    private static final float C4 = 1f / 24;
    private static final float C5 = 1f / 120;
    private static final float C6 = 1f / 720;
    private static final float C7 = 1f / 5040;

    private Exponentials() {
    }

    /**
     * Replaces {@code values[from, to)} by exp(value - shift) and returns their sum.
     *
     * @param values the values, overwritten
     * @param from   the first index
     * @param to     one past the last index
     * @param shift  subtracted from every value first; a softmax passes the row's maximum, so that every
     *               argument is at most 0
     * @return the sum of the exponentials
     */
    public static double expMinus(float[] values, int from, int to, float shift) {
        for (int j = from; j < to; j++) {
            float y = Math.max(values[j] - shift, LOWEST) * SCALE;
            float u = ((((((C7 * y + C6) * y + C5) * y + C4) * y + C3) * y + C2) * y + 1f) * y;
            u *= 2 + u;
            u *= 2 + u;
            u *= 2 + u;
            u *= 2 + u;
            float p = 1 + u;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            values[j] = p;
        }
        return sum(values, from, to);
    }

    /**
     * The sum of {@code values[from, to)}: eight running float sums over a block of {@link #BLOCK} values (a loop
     * the JIT vectorises), each block's total added in double, so that long rows lose no more than short ones.
     */
    private static double sum(float[] values, int from, int to) {
        double total = 0;
        int j = from;
        while (to - j >= 8) {
            int end = j + Math.min(BLOCK, (to - j) & ~7);
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            float s4 = 0;
            float s5 = 0;
            float s6 = 0;
            float s7 = 0;
            for (; j < end; j += 8) {
                s0 += values[j];
                s1 += values[j + 1];
                s2 += values[j + 2];
                s3 += values[j + 3];
                s4 += values[j + 4];
                s5 += values[j + 5];
                s6 += values[j + 6];
                s7 += values[j + 7];
            }
            total += ((double) s0 + s1) + ((double) s2 + s3) + ((double) s4 + s5) + ((double) s6 + s7);
        }
        for (; j < to; j++) {
            total += values[j];
        }
        return total;
    }
}
