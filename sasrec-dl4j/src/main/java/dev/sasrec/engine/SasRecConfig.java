package dev.sasrec.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every hyper-parameter of the SASRec model and its training, validated on construction.
 *
 * <p>Defaults are the paper's MovieLens-1M settings (d = 50, n = 200, 2 blocks, 1 head, dropout 0.2,
 * Adam with learning rate 0.001 and betas 0.9 / 0.98, batch 128, BCE loss).
 *
 * @param hiddenUnits     d, the embedding and hidden width; at least 1 and divisible by {@code numHeads}
 * @param maxLen          n, the number of most recent items the model reads; at least 1
 * @param numBlocks       self-attention blocks; at least 1
 * @param numHeads        attention heads; at least 1
 * @param dropout         dropout rate on embeddings, attention weights and feed-forward outputs, in [0, 1)
 * @param l2Emb           L2 penalty on the item and position embeddings ({@code l2Emb / 2 * ||E||^2}); at least 0
 * @param learningRate    Adam learning rate; greater than 0
 * @param beta1           Adam first-moment decay, in [0, 1)
 * @param beta2           Adam second-moment decay, in [0, 1)
 * @param epsilon         Adam epsilon; greater than 0
 * @param batchSize       users per training step; at least 1
 * @param loss            training objective
 * @param numNegatives    negatives per batch for {@link Loss#SAMPLED}; at least 1
 * @param preLayerNorm    also normalise keys and values ("pre-LN") instead of the queries only
 * @param layerNormEps    epsilon of every layer normalisation; greater than 0
 * @param seed            seed of initialisation, shuffling, negative sampling and dropout
 * @param bucketByLength  form each batch from users of similar history length (drawn at random from a pool of
 *                        64 batches), so batches trimmed to their longest history are short; changes which users
 *                        share a batch, not the model
 * @param gradientClipNorm rescale a step's gradient to this L2 norm when it is larger (the loss and the
 *                        gradient norm are then also checked to be finite); 0 turns clipping off; at least 0
 */
public record SasRecConfig(
        int hiddenUnits,
        int maxLen,
        int numBlocks,
        int numHeads,
        double dropout,
        double l2Emb,
        double learningRate,
        double beta1,
        double beta2,
        double epsilon,
        int batchSize,
        Loss loss,
        int numNegatives,
        boolean preLayerNorm,
        double layerNormEps,
        long seed,
        boolean bucketByLength,
        double gradientClipNorm) implements java.io.Serializable {

    /** Validates every field; the message names the parameter, the value and what was expected. */
    public SasRecConfig {
        require(hiddenUnits >= 1, "hiddenUnits", hiddenUnits, "an integer >= 1");
        require(maxLen >= 1, "maxLen", maxLen, "an integer >= 1");
        require(numBlocks >= 1, "numBlocks", numBlocks, "an integer >= 1");
        require(numHeads >= 1, "numHeads", numHeads, "an integer >= 1");
        require(hiddenUnits % numHeads == 0, "numHeads", numHeads, "a divisor of hiddenUnits (" + hiddenUnits + ")");
        require(dropout >= 0 && dropout < 1, "dropout", dropout, "a rate in [0, 1)");
        require(l2Emb >= 0 && Double.isFinite(l2Emb), "l2Emb", l2Emb, "a finite value >= 0");
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate", learningRate, "a finite value > 0");
        require(beta1 >= 0 && beta1 < 1, "beta1", beta1, "a value in [0, 1)");
        require(beta2 >= 0 && beta2 < 1, "beta2", beta2, "a value in [0, 1)");
        require(epsilon > 0 && Double.isFinite(epsilon), "epsilon", epsilon, "a finite value > 0");
        require(batchSize >= 1, "batchSize", batchSize, "an integer >= 1");
        require(loss != null, "loss", null, "one of bce, ce, sampled");
        require(numNegatives >= 1, "numNegatives", numNegatives, "an integer >= 1");
        require(layerNormEps > 0 && Double.isFinite(layerNormEps), "layerNormEps", layerNormEps, "a finite value > 0");
        require(gradientClipNorm >= 0 && Double.isFinite(gradientClipNorm), "gradientClipNorm", gradientClipNorm,
                "a finite value >= 0 (0: no clipping)");
    }

    private static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(name + ": invalid value " + value + ", expected " + expected);
        }
    }

    /** Width of one attention head. */
    public int headSize() {
        return hiddenUnits / numHeads;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from this configuration. */
    public Builder toBuilder() {
        return new Builder()
                .hiddenUnits(hiddenUnits).maxLen(maxLen).numBlocks(numBlocks).numHeads(numHeads)
                .dropout(dropout).l2Emb(l2Emb).learningRate(learningRate).beta1(beta1).beta2(beta2)
                .epsilon(epsilon).batchSize(batchSize).loss(loss).numNegatives(numNegatives)
                .preLayerNorm(preLayerNorm).layerNormEps(layerNormEps).seed(seed).bucketByLength(bucketByLength)
                .gradientClipNorm(gradientClipNorm);
    }

    /** Every field by name, in declaration order, for provenance and checkpoints. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("hiddenUnits", Integer.toString(hiddenUnits));
        m.put("maxLen", Integer.toString(maxLen));
        m.put("numBlocks", Integer.toString(numBlocks));
        m.put("numHeads", Integer.toString(numHeads));
        m.put("dropout", Double.toString(dropout));
        m.put("l2Emb", Double.toString(l2Emb));
        m.put("learningRate", Double.toString(learningRate));
        m.put("beta1", Double.toString(beta1));
        m.put("beta2", Double.toString(beta2));
        m.put("epsilon", Double.toString(epsilon));
        m.put("batchSize", Integer.toString(batchSize));
        m.put("loss", loss.key());
        m.put("numNegatives", Integer.toString(numNegatives));
        m.put("preLayerNorm", Boolean.toString(preLayerNorm));
        m.put("layerNormEps", Double.toString(layerNormEps));
        m.put("seed", Long.toString(seed));
        m.put("bucketByLength", Boolean.toString(bucketByLength));
        m.put("gradientClipNorm", Double.toString(gradientClipNorm));
        return m;
    }

    /** Inverse of {@link #toMap()}; an unknown key is an error that names it, a missing key keeps its default. */
    public static SasRecConfig fromMap(Map<String, String> m) {
        Builder b = builder();
        for (Map.Entry<String, String> e : m.entrySet()) {
            String v = e.getValue().trim();
            try {
                switch (e.getKey()) {
                    case "hiddenUnits" -> b.hiddenUnits(Integer.parseInt(v));
                    case "maxLen" -> b.maxLen(Integer.parseInt(v));
                    case "numBlocks" -> b.numBlocks(Integer.parseInt(v));
                    case "numHeads" -> b.numHeads(Integer.parseInt(v));
                    case "dropout" -> b.dropout(Double.parseDouble(v));
                    case "l2Emb" -> b.l2Emb(Double.parseDouble(v));
                    case "learningRate" -> b.learningRate(Double.parseDouble(v));
                    case "beta1" -> b.beta1(Double.parseDouble(v));
                    case "beta2" -> b.beta2(Double.parseDouble(v));
                    case "epsilon" -> b.epsilon(Double.parseDouble(v));
                    case "batchSize" -> b.batchSize(Integer.parseInt(v));
                    case "loss" -> b.loss(Loss.parse(v));
                    case "numNegatives" -> b.numNegatives(Integer.parseInt(v));
                    case "preLayerNorm" -> b.preLayerNorm(parseBoolean(e.getKey(), v));
                    case "layerNormEps" -> b.layerNormEps(Double.parseDouble(v));
                    case "seed" -> b.seed(Long.parseLong(v));
                    case "bucketByLength" -> b.bucketByLength(parseBoolean(e.getKey(), v));
                    case "gradientClipNorm" -> b.gradientClipNorm(Double.parseDouble(v));
                    default -> throw new IllegalArgumentException("unknown configuration key '" + e.getKey() + "'");
                }
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(e.getKey() + ": cannot parse '" + v + "' as a number", ex);
            }
        }
        return b.build();
    }

    private static boolean parseBoolean(String key, String v) {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(key + ": cannot parse '" + v + "' as a boolean (true or false)");
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private int hiddenUnits = 50;
        private int maxLen = 200;
        private int numBlocks = 2;
        private int numHeads = 1;
        private double dropout = 0.2;
        private double l2Emb = 0.0;
        private double learningRate = 0.001;
        private double beta1 = 0.9;
        private double beta2 = 0.98;
        private double epsilon = 1e-8;
        private int batchSize = 128;
        private Loss loss = Loss.BCE;
        private int numNegatives = 100;
        private boolean preLayerNorm = false;
        private double layerNormEps = 1e-8;
        private long seed = 42L;
        private boolean bucketByLength = true;
        private double gradientClipNorm = 0.0;

        private Builder() {
        }

        /** @param v d, default 50 */
        public Builder hiddenUnits(int v) { hiddenUnits = v; return this; }
        /** @param v n, default 200 */
        public Builder maxLen(int v) { maxLen = v; return this; }
        /** @param v number of blocks, default 2 */
        public Builder numBlocks(int v) { numBlocks = v; return this; }
        /** @param v number of heads, default 1 */
        public Builder numHeads(int v) { numHeads = v; return this; }
        /** @param v dropout rate, default 0.2 */
        public Builder dropout(double v) { dropout = v; return this; }
        /** @param v embedding L2 penalty, default 0 */
        public Builder l2Emb(double v) { l2Emb = v; return this; }
        /** @param v Adam learning rate, default 0.001 */
        public Builder learningRate(double v) { learningRate = v; return this; }
        /** @param v Adam beta1, default 0.9 */
        public Builder beta1(double v) { beta1 = v; return this; }
        /** @param v Adam beta2, default 0.98 */
        public Builder beta2(double v) { beta2 = v; return this; }
        /** @param v Adam epsilon, default 1e-8 */
        public Builder epsilon(double v) { epsilon = v; return this; }
        /** @param v users per step, default 128 */
        public Builder batchSize(int v) { batchSize = v; return this; }
        /** @param v loss, default BCE */
        public Builder loss(Loss v) { loss = v; return this; }
        /** @param v negatives for the sampled softmax, default 100 */
        public Builder numNegatives(int v) { numNegatives = v; return this; }
        /** @param v pre-LN attention, default false */
        public Builder preLayerNorm(boolean v) { preLayerNorm = v; return this; }
        /** @param v layer-norm epsilon, default 1e-8 */
        public Builder layerNormEps(double v) { layerNormEps = v; return this; }
        /** @param v random seed, default 42 */
        public Builder seed(long v) { seed = v; return this; }
        /** @param v batch users of similar length together, default true */
        public Builder bucketByLength(boolean v) { bucketByLength = v; return this; }
        /** @param v gradient L2 norm cap, default 0 (off) */
        public Builder gradientClipNorm(double v) { gradientClipNorm = v; return this; }

        /** Validates and returns the configuration. */
        public SasRecConfig build() {
            return new SasRecConfig(hiddenUnits, maxLen, numBlocks, numHeads, dropout, l2Emb, learningRate,
                    beta1, beta2, epsilon, batchSize, loss, numNegatives, preLayerNorm, layerNormEps, seed,
                    bucketByLength, gradientClipNorm);
        }
    }
}
