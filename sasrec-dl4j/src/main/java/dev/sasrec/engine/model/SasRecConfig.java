package dev.sasrec.engine.model;

import dev.sasrec.engine.loss.Loss;

import java.lang.reflect.Constructor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every hyper-parameter of the SASRec model and its training. Each component carries its own definition
 * ({@link Hyper}: meaning, default, valid range), from which the builder, validation, the configuration maps, the
 * Spark params and warm-start compatibility are derived ({@link HyperParameter}); adding a hyper-parameter is adding
 * a component.
 *
 * <p>Defaults are the paper's MovieLens-1M settings (d = 50, n = 200, 2 blocks, 1 head, dropout 0.2, Adam with
 * learning rate 0.001 and betas 0.9 / 0.98, batch 128, BCE loss), with batches of users drawn at random. Build
 * configurations with {@link #builder()}, which validates every value.
 */
public record SasRecConfig(
        @Hyper(doc = "embedding and hidden width d; divisible by numHeads", defaultValue = "50", min = 1,
                architecture = true)
        int hiddenUnits,
        @Hyper(doc = "most recent items the model reads, n", defaultValue = "200", min = 1, architecture = true)
        int maxLen,
        @Hyper(doc = "self-attention blocks", defaultValue = "2", min = 1, architecture = true)
        int numBlocks,
        @Hyper(doc = "attention heads", defaultValue = "1", min = 1, architecture = true)
        int numHeads,
        @Hyper(doc = "dropout rate on embeddings, attention weights and feed-forward outputs", defaultValue = "0.2",
                min = 0, max = 1, maxExclusive = true)
        double dropout,
        @Hyper(doc = "L2 penalty on the item and position embeddings (l2Emb / 2 * ||E||^2)", defaultValue = "0.0", min = 0)
        double l2Emb,
        @Hyper(doc = "Adam learning rate", defaultValue = "0.001", min = 0, minExclusive = true)
        double learningRate,
        @Hyper(doc = "Adam first-moment decay", defaultValue = "0.9", min = 0, max = 1, maxExclusive = true)
        double beta1,
        @Hyper(doc = "Adam second-moment decay", defaultValue = "0.98", min = 0, max = 1, maxExclusive = true)
        double beta2,
        @Hyper(doc = "Adam epsilon", defaultValue = "1e-8", min = 0, minExclusive = true)
        double epsilon,
        @Hyper(doc = "users per training step (in distributed training, over all workers: each of the numWorkers "
                + "workers takes ceil(batchSize / numWorkers) of them per local step)", defaultValue = "128", min = 1)
        int batchSize,
        @Hyper(doc = "training loss: bce (the paper's), ce (full softmax), sampled (softmax over numNegatives "
                + "items shared by the batch) or gbce (gSASRec's generalised BCE over numNegatives items drawn for "
                + "each position)", defaultValue = "bce")
        Loss loss,
        @Hyper(doc = "negatives of the sampled loss (per batch) and of the gbce loss (per position)", defaultValue = "100", min = 1)
        int numNegatives,
        @Hyper(doc = "calibration t of the gbce loss: 0 is BCE with numNegatives negatives, 1 calibrates the "
                + "predicted probabilities to BCE over the whole catalogue", defaultValue = "0.75", min = 0, max = 1)
        double gbceCalibration,
        @Hyper(doc = "also normalise keys and values (pre-LN) instead of the queries only", defaultValue = "false")
        boolean preLayerNorm,
        @Hyper(doc = "epsilon of every layer normalisation", defaultValue = "1e-8", min = 0, minExclusive = true)
        double layerNormEps,
        @Hyper(doc = "seed of initialisation, partitioning, shuffling, negative sampling and dropout", defaultValue = "42")
        long seed,
        @Hyper(doc = "form each batch from users of similar history length (drawn at random from a pool of 64 "
                + "batches), so batches padded to their longest history are short: for the samediff backend, "
                + "which pads; batches of users drawn at random (false) learn more per epoch, and cost the native "
                + "backend no padding", defaultValue = "false")
        boolean bucketByLength,
        @Hyper(doc = "rescale a step's gradient to this L2 norm when it is larger (the loss and the gradient norm "
                + "are then also checked to be finite); 0 turns clipping off", defaultValue = "0.0", min = 0)
        double gradientClipNorm,
        @Hyper(doc = "lazy Adam: item rows the step did not touch keep their parameters and moments, so a step "
                + "costs the items it read rather than the catalogue (false: every parameter moves every step)",
                defaultValue = "false")
        boolean lazyAdam,
        @Hyper(doc = "train on every window of maxLen + 1 items of a longer history (cut from its end, neighbours "
                + "sharing one item, so that every item is a target once an epoch), each as a sequence of its own; "
                + "false trains each history's last window only, as the paper does", defaultValue = "false")
        boolean allWindows,
        @Hyper(doc = "draw each step's users uniformly with replacement, as the paper's reference code does (an "
                + "epoch is then as many full batches as it has without: some users twice, about a third not at "
                + "all); false: every user once an epoch, in a seeded order. Excludes bucketByLength",
                defaultValue = "false")
        boolean drawWithReplacement) implements java.io.Serializable {

    /**
     * Checks what one definition cannot: the heads divide the width, and batches are either bucketed by length or
     * drawn with replacement. {@link Builder#build()} checks the rest.
     */
    public SasRecConfig {
        if (bucketByLength && drawWithReplacement) {
            throw new IllegalArgumentException("drawWithReplacement: invalid value true with bucketByLength true, "
                    + "expected at most one of the two (batches drawn with replacement are not bucketed)");
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss: invalid value null, expected " + HyperParameter.named("loss").expected());
        }
        if (numHeads >= 1 && hiddenUnits % numHeads != 0) {
            throw new IllegalArgumentException("numHeads: invalid value " + numHeads + ", expected a divisor of hiddenUnits ("
                    + hiddenUnits + ")");
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
        Builder b = new Builder();
        for (HyperParameter p : HyperParameter.all()) {
            b.values[p.index()] = p.valueIn(this);
        }
        return b;
    }

    /** Every hyper-parameter by name, in declaration order, as configuration files write them. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (HyperParameter p : HyperParameter.all()) {
            m.put(p.name(), p.format(p.valueIn(this)));
        }
        return m;
    }

    /** Inverse of {@link #toMap()}; an unknown key is an error that names it, a missing key keeps its default. */
    public static SasRecConfig fromMap(Map<String, String> m) {
        Builder b = builder();
        m.forEach(b::set);
        return b.build();
    }

    /**
     * Sets hyper-parameters by name, then validates them all at {@link #build()}: a value may be given as its type
     * ({@code 64}, {@code 0.1}, {@code true}, {@code Loss.CE}) or as configuration text ({@code "64"},
     * {@code "ce"}). Every error names the hyper-parameter, the value and what was expected.
     */
    public static final class Builder {

        private static final Constructor<SasRecConfig> CANONICAL;

        static {
            try {
                CANONICAL = SasRecConfig.class.getDeclaredConstructor(HyperParameter.all().stream()
                        .map(HyperParameter::type).toArray(Class<?>[]::new));
            } catch (NoSuchMethodException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Object[] values;

        private Builder() {
            List<HyperParameter> all = HyperParameter.all();
            values = new Object[all.size()];
            for (HyperParameter p : all) {
                values[p.index()] = p.defaultValue();
            }
        }

        /** Sets hyper-parameter {@code name} to {@code value} (see the class comment for the accepted forms). */
        public Builder set(String name, Object value) {
            HyperParameter p = HyperParameter.named(name);
            values[p.index()] = p.coerce(value);
            return this;
        }

        /** Validates every value and returns the configuration. */
        public SasRecConfig build() {
            for (HyperParameter p : HyperParameter.all()) {
                p.validate(values[p.index()]);
            }
            try {
                return CANONICAL.newInstance(values.clone());
            } catch (java.lang.reflect.InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot construct SasRecConfig", e);
            }
        }
    }
}
