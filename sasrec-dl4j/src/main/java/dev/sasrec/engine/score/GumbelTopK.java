package dev.sasrec.engine.score;

import java.util.Arrays;

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
        Sampler sampler = new Sampler(k, temperature, seed);
        for (int item = 1; item < scores.length; item++) {
            if (Arrays.binarySearch(excludedSorted, item) < 0) {
                sampler.offer(item, scores[item]);
            }
        }
        return sampler.result();
    }

    /**
     * One user's draw, fed the allowed items' scores one at a time in any order (a block of the catalogue at a time
     * when scoring): a bounded heap keeps the K largest perturbed scores, and a running log-sum-exp the softmax's
     * normaliser, so the scores are never held at once. Each item's noise depends on the seed and the item alone.
     */
    public static final class Sampler {
        private final double temperature;
        private final long seed;
        private final TopK.Heap heap;
        /** The largest scaled score offered so far, and the sum of exp(scaled - max) over the items offered. */
        private double max = Double.NEGATIVE_INFINITY;
        private double total;

        /**
         * @param k           items to draw
         * @param temperature T >= 0; 0 gives the top-K
         * @param seed        the draw's seed ({@link #seedFor})
         */
        public Sampler(int k, double temperature, long seed) {
            if (!(temperature >= 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("explorationTemperature: invalid value " + temperature
                        + ", expected a finite value >= 0");
            }
            this.temperature = temperature;
            this.seed = seed;
            this.heap = new TopK.Heap(k);
        }

        /** Offers an allowed item with its score; NaN scores are skipped. */
        public void offer(int item, float score) {
            if (Float.isNaN(score)) {
                return;
            }
            if (temperature == 0) {
                heap.offer(item, score);
                return;
            }
            double scaled = score / temperature;
            if (scaled > max) {
                total = total * Math.exp(max - scaled) + 1;
                max = scaled;
            } else {
                total += Math.exp(scaled - max);
            }
            heap.offer(item, (float) (scaled + gumbel(seed, item)), score);
        }

        /** The drawn items, best slot first, with their scores and propensities. */
        public Draw result() {
            TopK.Selection sel = heap.result();
            double[] propensities = new double[sel.items().length];
            double left = total;
            for (int slot = 0; slot < propensities.length; slot++) {
                if (temperature == 0) {
                    propensities[slot] = 1.0;
                } else {
                    double weight = Math.exp(sel.scores()[slot] / temperature - max);
                    propensities[slot] = weight / left;
                    left -= weight;
                }
            }
            return new Draw(sel.items(), sel.scores(), propensities);
        }
    }

    /** Standard Gumbel noise for {@code item} under {@code seed}: -log(-log(u)), u uniform in (0, 1). */
    private static double gumbel(long seed, int item) {
        long bits = mix(seed + (item + 1L) * 0x9E3779B97F4A7C15L) >>> 11;
        double u = (bits + 0.5) * 0x1.0p-53;
        return -Math.log(-Math.log(u));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
