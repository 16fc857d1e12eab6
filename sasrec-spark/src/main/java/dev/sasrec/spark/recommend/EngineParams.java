package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.HyperParameter;
import dev.sasrec.engine.model.Recipe;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.train.TrainingBackends;
import dev.sasrec.spark.params.DefaultedParams;
import dev.sasrec.spark.params.HyperParams;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The engine's hyper-parameters as params of {@link SASRec}, each with a getter and a setter; their meaning, valid
 * range and default come from the engine's definitions on {@link SasRecConfig}. Then the training loop's own
 * settings: epochs, validation users and the training backend.
 *
 * @param <S> the stage type setters return
 */
public interface EngineParams<S extends EngineParams<S>> extends Params {

    /** @return embedding and hidden width d param */
    default IntParam hiddenUnits() { return HyperParams.integer(this, "hiddenUnits"); }
    /** @return embedding and hidden width d */
    default int getHiddenUnits() { return (Integer) getOrDefault(hiddenUnits()); }
    /** @param v embedding and hidden width d */
    default S setHiddenUnits(int v) { return DefaultedParams.set(this, hiddenUnits(), v); }
    /** @return most recent items the model reads, n param */
    default IntParam maxLen() { return HyperParams.integer(this, "maxLen"); }
    /** @return most recent items the model reads, n */
    default int getMaxLen() { return (Integer) getOrDefault(maxLen()); }
    /** @param v most recent items the model reads, n */
    default S setMaxLen(int v) { return DefaultedParams.set(this, maxLen(), v); }
    /** @return self-attention blocks param */
    default IntParam numBlocks() { return HyperParams.integer(this, "numBlocks"); }
    /** @return self-attention blocks */
    default int getNumBlocks() { return (Integer) getOrDefault(numBlocks()); }
    /** @param v self-attention blocks */
    default S setNumBlocks(int v) { return DefaultedParams.set(this, numBlocks(), v); }
    /** @return attention heads param */
    default IntParam numHeads() { return HyperParams.integer(this, "numHeads"); }
    /** @return attention heads */
    default int getNumHeads() { return (Integer) getOrDefault(numHeads()); }
    /** @param v attention heads */
    default S setNumHeads(int v) { return DefaultedParams.set(this, numHeads(), v); }
    /** @return dropout rate param */
    default DoubleParam dropout() { return HyperParams.real(this, "dropout"); }
    /** @return dropout rate */
    default double getDropout() { return (Double) getOrDefault(dropout()); }
    /** @param v dropout rate */
    default S setDropout(double v) { return DefaultedParams.set(this, dropout(), v); }
    /** @return L2 penalty on the embeddings param */
    default DoubleParam l2Emb() { return HyperParams.real(this, "l2Emb"); }
    /** @return L2 penalty on the embeddings */
    default double getL2Emb() { return (Double) getOrDefault(l2Emb()); }
    /** @param v L2 penalty on the embeddings */
    default S setL2Emb(double v) { return DefaultedParams.set(this, l2Emb(), v); }
    /** @return Adam learning rate param */
    default DoubleParam learningRate() { return HyperParams.real(this, "learningRate"); }
    /** @return Adam learning rate */
    default double getLearningRate() { return (Double) getOrDefault(learningRate()); }
    /** @param v Adam learning rate */
    default S setLearningRate(double v) { return DefaultedParams.set(this, learningRate(), v); }
    /** @return Adam beta1 param */
    default DoubleParam beta1() { return HyperParams.real(this, "beta1"); }
    /** @return Adam beta1 */
    default double getBeta1() { return (Double) getOrDefault(beta1()); }
    /** @param v Adam beta1 */
    default S setBeta1(double v) { return DefaultedParams.set(this, beta1(), v); }
    /** @return Adam beta2 param */
    default DoubleParam beta2() { return HyperParams.real(this, "beta2"); }
    /** @return Adam beta2 */
    default double getBeta2() { return (Double) getOrDefault(beta2()); }
    /** @param v Adam beta2 */
    default S setBeta2(double v) { return DefaultedParams.set(this, beta2(), v); }
    /** @return Adam epsilon param */
    default DoubleParam epsilon() { return HyperParams.real(this, "epsilon"); }
    /** @return Adam epsilon */
    default double getEpsilon() { return (Double) getOrDefault(epsilon()); }
    /** @param v Adam epsilon */
    default S setEpsilon(double v) { return DefaultedParams.set(this, epsilon(), v); }
    /** @return users per training step, over all workers param */
    default IntParam batchSize() { return HyperParams.integer(this, "batchSize"); }
    /** @return users per training step, over all workers */
    default int getBatchSize() { return (Integer) getOrDefault(batchSize()); }
    /** @param v users per training step, over all workers */
    default S setBatchSize(int v) { return DefaultedParams.set(this, batchSize(), v); }
    /** @return training loss: bce, ce, sampled or gbce param */
    default Param<String> loss() { return HyperParams.choice(this, "loss"); }
    /** @return training loss: bce, ce, sampled or gbce */
    default String getLoss() { return getOrDefault(loss()); }
    /** @param v training loss: bce, ce, sampled or gbce */
    default S setLoss(String v) { return DefaultedParams.set(this, loss(), v); }
    /** @return negatives of the sampled and gbce losses param */
    default IntParam numNegatives() { return HyperParams.integer(this, "numNegatives"); }
    /** @return negatives of the sampled and gbce losses */
    default int getNumNegatives() { return (Integer) getOrDefault(numNegatives()); }
    /** @param v negatives of the sampled and gbce losses */
    default S setNumNegatives(int v) { return DefaultedParams.set(this, numNegatives(), v); }
    /** @return calibration t of the gbce loss param */
    default DoubleParam gbceCalibration() { return HyperParams.real(this, "gbceCalibration"); }
    /** @return calibration t of the gbce loss */
    default double getGbceCalibration() { return (Double) getOrDefault(gbceCalibration()); }
    /** @param v calibration t of the gbce loss, in [0, 1] */
    default S setGbceCalibration(double v) { return DefaultedParams.set(this, gbceCalibration(), v); }
    /** @return pre-LN attention param */
    default BooleanParam preLayerNorm() { return HyperParams.flag(this, "preLayerNorm"); }
    /** @return pre-LN attention */
    default boolean getPreLayerNorm() { return (Boolean) getOrDefault(preLayerNorm()); }
    /** @param v pre-LN attention */
    default S setPreLayerNorm(boolean v) { return DefaultedParams.set(this, preLayerNorm(), v); }
    /** @return layer-norm epsilon param */
    default DoubleParam layerNormEps() { return HyperParams.real(this, "layerNormEps"); }
    /** @return layer-norm epsilon */
    default double getLayerNormEps() { return (Double) getOrDefault(layerNormEps()); }
    /** @param v layer-norm epsilon */
    default S setLayerNormEps(double v) { return DefaultedParams.set(this, layerNormEps(), v); }
    /** @return random seed param */
    default LongParam seed() { return HyperParams.longInteger(this, "seed"); }
    /** @return random seed */
    default long getSeed() { return (Long) getOrDefault(seed()); }
    /** @param v random seed */
    default S setSeed(long v) { return DefaultedParams.set(this, seed(), v); }
    /** @return length-bucketed batches param */
    default BooleanParam bucketByLength() { return HyperParams.flag(this, "bucketByLength"); }
    /** @return length-bucketed batches */
    default boolean getBucketByLength() { return (Boolean) getOrDefault(bucketByLength()); }
    /** @param v length-bucketed batches */
    default S setBucketByLength(boolean v) { return DefaultedParams.set(this, bucketByLength(), v); }
    /** @return cap on each step's gradient L2 norm, 0 for none param */
    default DoubleParam gradientClipNorm() { return HyperParams.real(this, "gradientClipNorm"); }
    /** @return cap on each step's gradient L2 norm, 0 for none */
    default double getGradientClipNorm() { return (Double) getOrDefault(gradientClipNorm()); }
    /** @param v cap on each step's gradient L2 norm, 0 for none */
    default S setGradientClipNorm(double v) { return DefaultedParams.set(this, gradientClipNorm(), v); }

    /** @return whether Adam leaves the item rows a step did not touch as they are (lazy Adam) */
    default BooleanParam lazyAdam() { return HyperParams.flag(this, "lazyAdam"); }
    /** @return whether Adam is lazy */
    default boolean getLazyAdam() { return (Boolean) getOrDefault(lazyAdam()); }
    /** @param v whether Adam is lazy (item rows a step did not touch keep their parameters and moments) */
    default S setLazyAdam(boolean v) { return DefaultedParams.set(this, lazyAdam(), v); }

    /** @return whether every window of maxLen + 1 items of a longer history is trained, not only the last */
    default BooleanParam allWindows() { return HyperParams.flag(this, "allWindows"); }
    /** @return whether every window of a long history is trained */
    default boolean getAllWindows() { return (Boolean) getOrDefault(allWindows()); }
    /**
     * @param v whether every window of maxLen + 1 items of a longer history is trained as a sequence of its own
     *          (in distributed training a window's seen items, which the negatives avoid, are its own)
     */
    default S setAllWindows(boolean v) { return DefaultedParams.set(this, allWindows(), v); }

    /** @return whether each step's users are drawn with replacement, as the paper's reference code does */
    default BooleanParam drawWithReplacement() { return HyperParams.flag(this, "drawWithReplacement"); }
    /** @return whether each step's users are drawn with replacement */
    default boolean getDrawWithReplacement() { return (Boolean) getOrDefault(drawWithReplacement()); }
    /**
     * @param v whether each step's users are drawn uniformly with replacement (in distributed training, from the
     *          worker's own users); false: every user once an epoch. Excludes bucketByLength
     */
    default S setDrawWithReplacement(boolean v) { return DefaultedParams.set(this, drawWithReplacement(), v); }

    /** @return the named training recipe param: none, or one of {@link Recipe}'s, as {@link #setRecipe} set it */
    default Param<String> recipe() {
        String[] names = java.util.stream.Stream.concat(java.util.stream.Stream.of("none"),
                java.util.Arrays.stream(Recipe.values()).map(Recipe::key)).toArray(String[]::new);
        return DefaultedParams.choice(this, "recipe", "the named training recipe whose loss and hyper-parameters ("
                + String.join(", ", Recipe.hyperParameters()) + ") were set with setRecipe: " + Recipe.keys()
                + " (docs/MODEL.md), or none", "none", names);
    }
    /** @return the named training recipe last set, or none */
    default String getRecipe() { return getOrDefault(recipe()); }
    /**
     * Sets a named training recipe: its loss and the hyper-parameters that go with it ({@link Recipe}); a
     * hyper-parameter set after it overrides the recipe's value.
     *
     * @param v paper, ce, sampled-ce or gbce
     */
    default S setRecipe(String v) {
        Recipe r = Recipe.named(v);
        r.settings().forEach((name, text) -> {
            HyperParameter h = HyperParameter.named(name);
            Object value = h.parse(text);
            set(getParam(name), h.type().isEnum() ? h.format(value) : value);
        });
        return DefaultedParams.set(this, recipe(), r.key());
    }

    /** @return training epochs param */
    default IntParam maxEpochs() { return DefaultedParams.atLeast(this, "maxEpochs", "training epochs", 50, 1); }
    /** @return training epochs */
    default int getMaxEpochs() { return (Integer) getOrDefault(maxEpochs()); }
    /** @param v training epochs */
    default S setMaxEpochs(int v) { return DefaultedParams.set(this, maxEpochs(), v); }

    /** @return held-out validation users param */
    default IntParam validationUsers() {
        return DefaultedParams.atLeast(this, "validationUsers", "users (drawn with the seed among histories of at least "
                + "3 items) whose last item is held out of training and ranked against the whole catalogue after every "
                + "epoch, giving the validation NDCG@10 and HR@10 of the training summary; 0 turns validation off", 0, 0);
    }
    /** @return held-out validation users, 0 for none */
    default int getValidationUsers() { return (Integer) getOrDefault(validationUsers()); }
    /** @param v users held out for per-epoch validation, 0 for none */
    default S setValidationUsers(int v) { return DefaultedParams.set(this, validationUsers(), v); }

    /** @return early-stopping patience param */
    default IntParam earlyStoppingPatience() {
        return DefaultedParams.atLeast(this, "earlyStoppingPatience", "epochs without a better validation NDCG@10 "
                + "after which training stops, the model keeping the parameters of its best epoch; 0 trains maxEpochs "
                + "epochs and keeps the last; needs validationUsers > 0", 0, 0);
    }
    /** @return early-stopping patience, 0 for none */
    default int getEarlyStoppingPatience() { return (Integer) getOrDefault(earlyStoppingPatience()); }
    /** @param v epochs without a better validation NDCG@10 before training stops, 0 for none */
    default S setEarlyStoppingPatience(int v) { return DefaultedParams.set(this, earlyStoppingPatience(), v); }

    /** @return training backend param */
    default Param<String> trainingBackend() {
        return DefaultedParams.choice(this, "trainingBackend", "what computes the forward and backward passes of "
                + "training: one of the engine's backends on the class path", TrainingBackends.DEFAULT,
                TrainingBackends.names().toArray(new String[0]));
    }
    /** @return the training backend's name */
    default String getTrainingBackend() { return getOrDefault(trainingBackend()); }
    /** @param v training backend, by name */
    default S setTrainingBackend(String v) { return DefaultedParams.set(this, trainingBackend(), v); }

    /** The engine configuration the current params describe (validated by the engine). */
    default SasRecConfig engineConfig() {
        return HyperParams.toConfig(this);
    }
}
