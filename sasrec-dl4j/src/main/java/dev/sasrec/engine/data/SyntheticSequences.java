package dev.sasrec.engine.data;

import java.util.SplittableRandom;

/**
 * Generated sequences with a known next-item rule, for tests and the demo.
 *
 * <p>Items 1..N are arranged in a hidden random cycle; after item i a user picks the cycle's successor of i with
 * probability {@code followProbability}, otherwise any item uniformly at random. A model that learns the rule
 * ranks the true next item first far more often than chance (10/N for HR@10).
 */
public final class SyntheticSequences {

    private SyntheticSequences() {
    }

    /**
     * @param users             number of users
     * @param items             catalogue size N (at least 2)
     * @param minLength         shortest sequence
     * @param maxLength         longest sequence
     * @param followProbability chance of following the hidden rule at each step
     * @param seed              random seed
     */
    public static UserSequences generate(int users, int items, int minLength, int maxLength,
                                         double followProbability, long seed) {
        if (items < 2 || users < 1 || minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("need users >= 1, items >= 2 and 1 <= minLength <= maxLength");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] order = new int[items];
        for (int i = 0; i < items; i++) {
            order[i] = i + 1;
        }
        for (int i = items - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] next = new int[items + 1];
        for (int i = 0; i < items; i++) {
            next[order[i]] = order[(i + 1) % items];
        }
        int[][] seqs = new int[users][];
        for (int u = 0; u < users; u++) {
            int len = minLength + rnd.nextInt(maxLength - minLength + 1);
            int[] s = new int[len];
            s[0] = 1 + rnd.nextInt(items);
            for (int t = 1; t < len; t++) {
                s[t] = rnd.nextDouble() < followProbability ? next[s[t - 1]] : 1 + rnd.nextInt(items);
            }
            seqs[u] = s;
        }
        return new UserSequences(seqs, items);
    }
}
