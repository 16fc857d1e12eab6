package dev.sasrec.engine.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Generated user histories shaped like a real interaction log, for the embedded demo: item popularity follows a
 * Zipf law, items belong to tastes and each user to a few of them, and a hidden next-item rule runs beside taste
 * and popularity noise. Unlike {@link SyntheticSequences}, whose rule a model learns within an epoch, a most-popular
 * ranking scores here as it does on real logs and a sequential model has to learn the rule, the tastes and the
 * popularity to beat it.
 *
 * <p>Each taste's items form a hidden cycle. A user starts at an item of one of their tastes; after item i, the
 * next item is i's successor in its taste's cycle with probability {@code ruleStrength}; otherwise, with
 * probability {@code tasteStrength}, an item of one of the user's tastes drawn by popularity; otherwise (noise) any
 * item drawn by popularity.
 *
 * @param users              number of users, at least 1
 * @param items              catalogue size N, at least {@code tastes}
 * @param minLength          shortest history, at least 1
 * @param maxLength          longest history, at least {@code minLength}
 * @param ruleStrength       share of next items that follow the hidden rule, in [0, 1]
 * @param tasteStrength      share of next items drawn from the user's tastes, in [0, 1 - ruleStrength]
 * @param tastes             number of tastes, at least 1; each user has up to two
 * @param popularityExponent s of the Zipf law: the item of popularity rank r is drawn with weight 1 / r^s, s >= 0
 */
public record SyntheticLog(int users, int items, int minLength, int maxLength, double ruleStrength,
                           double tasteStrength, int tastes, double popularityExponent) {

    /** The embedded demo's log (the jobs' {@code sasrec.input.generated} defaults). */
    public static final SyntheticLog DEMO = new SyntheticLog(2000, 1000, 20, 60, 0.4, 0.35, 10, 0.7);

    /** Validates the shape; every error names the field, the value and the valid range. */
    public SyntheticLog {
        check(users >= 1, "users", users, "an integer >= 1");
        check(tastes >= 1, "tastes", tastes, "an integer >= 1");
        check(items >= tastes && items >= 2, "items", items, "an integer >= max(2, tastes)");
        check(minLength >= 1, "minLength", minLength, "an integer >= 1");
        check(maxLength >= minLength, "maxLength", maxLength, "an integer >= minLength (" + minLength + ")");
        check(ruleStrength >= 0 && ruleStrength <= 1, "ruleStrength", ruleStrength, "a value in [0, 1]");
        check(tasteStrength >= 0 && tasteStrength <= 1 - ruleStrength, "tasteStrength", tasteStrength,
                "a value in [0, 1 - ruleStrength]");
        check(popularityExponent >= 0 && Double.isFinite(popularityExponent), "popularityExponent",
                popularityExponent, "a finite value >= 0");
    }

    private static void check(boolean ok, String field, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": invalid value " + value + ", expected " + expected);
        }
    }

    /** The histories; the same seed gives the same histories. */
    public UserSequences generate(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] byRank = shuffled(items, rnd);                 // byRank[r]: the item of popularity rank r
        double[] weight = new double[items + 1];
        for (int r = 0; r < items; r++) {
            weight[byRank[r]] = 1 / Math.pow(r + 1, popularityExponent);
        }
        int[][] members = new int[tastes][];
        int[] shuffledItems = shuffled(items, rnd);
        for (int t = 0; t < tastes; t++) {
            int from = (int) ((long) items * t / tastes);
            int to = (int) ((long) items * (t + 1) / tastes);
            members[t] = Arrays.copyOfRange(shuffledItems, from, to);
        }
        int[] next = new int[items + 1];
        for (int[] cycle : members) {
            for (int i = 0; i < cycle.length; i++) {
                next[cycle[i]] = cycle[(i + 1) % cycle.length];
            }
        }
        Popularity all = new Popularity(allItems(items), weight);
        Popularity[] byTaste = new Popularity[tastes];
        for (int t = 0; t < tastes; t++) {
            byTaste[t] = new Popularity(members[t], weight);
        }

        int[][] sequences = new int[users][];
        for (int u = 0; u < users; u++) {
            int[] own = {rnd.nextInt(tastes), rnd.nextInt(tastes)};
            int length = minLength + rnd.nextInt(maxLength - minLength + 1);
            int[] s = new int[length];
            s[0] = byTaste[own[rnd.nextInt(2)]].draw(rnd);
            for (int i = 1; i < length; i++) {
                double p = rnd.nextDouble();
                if (p < ruleStrength) {
                    s[i] = next[s[i - 1]];
                } else if (p < ruleStrength + tasteStrength) {
                    s[i] = byTaste[own[rnd.nextInt(2)]].draw(rnd);
                } else {
                    s[i] = all.draw(rnd);
                }
            }
            sequences[u] = s;
        }
        return new UserSequences(sequences, items);
    }

    private static int[] allItems(int items) {
        int[] all = new int[items];
        Arrays.setAll(all, i -> i + 1);
        return all;
    }

    private static int[] shuffled(int items, SplittableRandom rnd) {
        int[] order = allItems(items);
        for (int i = items - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Draws among some items with probability proportional to their weights. */
    private static final class Popularity {
        private final int[] items;
        private final double[] cumulative;

        Popularity(int[] items, double[] weight) {
            this.items = items;
            this.cumulative = new double[items.length];
            double sum = 0;
            for (int i = 0; i < items.length; i++) {
                sum += weight[items[i]];
                cumulative[i] = sum;
            }
        }

        int draw(SplittableRandom rnd) {
            double x = rnd.nextDouble() * cumulative[cumulative.length - 1];
            int at = Arrays.binarySearch(cumulative, x);
            return items[Math.min(items.length - 1, at >= 0 ? at + 1 : -at - 1)];
        }
    }
}
