package dev.sasrec.engine.score;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Exploration for recommendations: K items drawn without replacement from softmax(score / T) over the allowed
 * items, by perturbing each scaled score with Gumbel noise and keeping the K largest (the Gumbel top-K trick, the
 * same distribution as drawing one item at a time from the softmax of those not yet drawn). Each drawn item carries
 * its propensity: its probability at its slot given the items above it, so that logged clicks can later be
 * weighted by their inverse. Temperature 0 is the deterministic top-K, every propensity 1.
 *
 * <p>Draws are seeded per (seed, user, event time) ({@link #seedFor}), so replaying an event gives the same list.
 */
public final class GumbelTopK {

    private GumbelTopK() {
    }

    /**
     * Drawn items, best slot first, with their scores and propensities.
     *
     * @param items        the drawn item ids
     * @param scores       their model scores
     * @param propensities each one's probability at its slot given the items above it
     */
    public record Draw(int[] items, float[] scores, double[] propensities) {
    }

    /** A draw's seed from the stage's {@code seed}, the user and the event time that triggered it. */
    public static long seedFor(long seed, long user, long eventTime) {
        return mix(mix(seed ^ mix(user)) ^ eventTime);
    }

    /**
     * Draws {@code k} of the items {@code 1..scores.length - 1} (index 0 is padding) not in {@code excludedSorted}.
     *
     * @param scores         scores by item id, index 0 unused
     * @param excludedSorted item ids that may not be drawn, sorted ascending (e.g. the user's history)
     * @param k              items to draw; fewer when fewer are allowed
     * @param temperature    T >= 0; 0 gives the top-K
     * @param seed           the draw's seed ({@link #seedFor})
     */
    public static Draw draw(float[] scores, int[] excludedSorted, int k, double temperature, long seed) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("explorationTemperature: invalid value " + temperature
                    + ", expected a finite value >= 0");
        }
        int n = scores.length - 1;
        double[] keys = new double[n + 1];
        double max = Double.NEGATIVE_INFINITY;
        int allowed = 0;
        for (int item = 1; item <= n; item++) {
            if (Arrays.binarySearch(excludedSorted, item) >= 0) {
                keys[item] = Double.NEGATIVE_INFINITY;
            } else {
                allowed++;
                max = Math.max(max, scores[item]);
            }
        }
        int take = Math.min(k, allowed);
        SplittableRandom rnd = new SplittableRandom(seed);
        double total = 0;
        double[] weight = new double[n + 1];
        for (int item = 1; item <= n; item++) {
            if (keys[item] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            if (temperature == 0) {
                keys[item] = scores[item];
            } else {
                double scaled = (scores[item] - max) / temperature;
                weight[item] = Math.exp(scaled);
                total += weight[item];
                double u = rnd.nextDouble();
                keys[item] = scaled - Math.log(-Math.log(u == 0 ? Double.MIN_VALUE : u));
            }
        }
        int[] items = new int[take];
        float[] picked = new float[take];
        double[] propensities = new double[take];
        boolean[] taken = new boolean[n + 1];
        for (int slot = 0; slot < take; slot++) {
            int best = -1;
            for (int item = 1; item <= n; item++) {
                if (!taken[item] && keys[item] != Double.NEGATIVE_INFINITY
                        && (best < 0 || keys[item] > keys[best] || (keys[item] == keys[best] && item < best))) {
                    best = item;
                }
            }
            taken[best] = true;
            items[slot] = best;
            picked[slot] = scores[best];
            propensities[slot] = temperature == 0 ? 1.0 : weight[best] / total;
            total -= weight[best];
        }
        return new Draw(items, picked, propensities);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
