package dev.sasrec.spark.recommend;

import dev.sasrec.engine.Loss;
import dev.sasrec.engine.SasRecConfig;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

import java.io.Serializable;

/**
 * Every hyper-parameter of the SASRec model and its optimiser as a Spark param (see {@link SasRecConfig} for
 * their meaning); defaults are the engine's, the paper's MovieLens-1M settings.
 */
final class EngineParams implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final SasRecConfig DEFAULTS = SasRecConfig.builder().build();

    final IntParam hiddenUnits;
    final IntParam maxLen;
    final IntParam numBlocks;
    final IntParam numHeads;
    final DoubleParam dropout;
    final DoubleParam l2Emb;
    final DoubleParam learningRate;
    final DoubleParam beta1;
    final DoubleParam beta2;
    final DoubleParam epsilon;
    final IntParam batchSize;
    final Param<String> loss;
    final IntParam numNegatives;
    final BooleanParam preLayerNorm;
    final DoubleParam layerNormEps;
    final LongParam seed;
    final BooleanParam bucketByLength;
    final DoubleParam gradientClipNorm;
    final IntParam maxEpochs;
    final IntParam validationUsers;

    EngineParams(Params o) {
        hiddenUnits = new IntParam(o, "hiddenUnits", "embedding and hidden width d (>= 1, divisible by numHeads); default 50", ParamValidators.gtEq(1));
        maxLen = new IntParam(o, "maxLen", "most recent items the model reads, n (>= 1); default 200", ParamValidators.gtEq(1));
        numBlocks = new IntParam(o, "numBlocks", "self-attention blocks (>= 1); default 2", ParamValidators.gtEq(1));
        numHeads = new IntParam(o, "numHeads", "attention heads (>= 1); default 1", ParamValidators.gtEq(1));
        dropout = new DoubleParam(o, "dropout", "dropout rate in [0, 1); default 0.2", ParamValidators.inRange(0, 1, true, false));
        l2Emb = new DoubleParam(o, "l2Emb", "L2 penalty on the embeddings (>= 0); default 0", ParamValidators.gtEq(0));
        learningRate = new DoubleParam(o, "learningRate", "Adam learning rate (> 0); default 0.001", ParamValidators.gt(0));
        beta1 = new DoubleParam(o, "beta1", "Adam beta1 in [0, 1); default 0.9", ParamValidators.inRange(0, 1, true, false));
        beta2 = new DoubleParam(o, "beta2", "Adam beta2 in [0, 1); default 0.98", ParamValidators.inRange(0, 1, true, false));
        epsilon = new DoubleParam(o, "epsilon", "Adam epsilon (> 0); default 1e-8", ParamValidators.gt(0));
        batchSize = new IntParam(o, "batchSize", "users per training step (>= 1), over all workers: each of the numWorkers workers takes ceil(batchSize / numWorkers) of them per local step; default 128", ParamValidators.gtEq(1));
        loss = new Param<>(o, "loss", "training loss: bce (the paper's), ce (full softmax) or sampled; default bce",
                ParamValidators.inArray(new String[]{"bce", "ce", "sampled"}));
        numNegatives = new IntParam(o, "numNegatives", "negatives per batch for the sampled loss (>= 1); default 100", ParamValidators.gtEq(1));
        preLayerNorm = new BooleanParam(o, "preLayerNorm", "also normalise keys and values; default false");
        layerNormEps = new DoubleParam(o, "layerNormEps", "layer-norm epsilon (> 0); default 1e-8", ParamValidators.gt(0));
        seed = new LongParam(o, "seed", "seed of initialisation, partitioning, sampling and dropout; default 42");
        bucketByLength = new BooleanParam(o, "bucketByLength", "batch users of similar history length together; default true");
        gradientClipNorm = new DoubleParam(o, "gradientClipNorm",
                "rescale each step's gradient to this L2 norm when larger; 0 turns clipping off (>= 0); default 0",
                ParamValidators.gtEq(0));
        maxEpochs = new IntParam(o, "maxEpochs", "training epochs (>= 1); default 50", ParamValidators.gtEq(1));
        validationUsers = new IntParam(o, "validationUsers",
                "users (drawn with the seed among histories of at least 3 items) whose last item is held out of training "
                        + "and ranked against the whole catalogue after every epoch, giving the validation NDCG@10 and HR@10 "
                        + "of the training summary; 0 turns validation off (>= 0); default 0", ParamValidators.gtEq(0));
        o.setDefault(hiddenUnits, DEFAULTS.hiddenUnits());
        o.setDefault(maxLen, DEFAULTS.maxLen());
        o.setDefault(numBlocks, DEFAULTS.numBlocks());
        o.setDefault(numHeads, DEFAULTS.numHeads());
        o.setDefault(dropout, DEFAULTS.dropout());
        o.setDefault(l2Emb, DEFAULTS.l2Emb());
        o.setDefault(learningRate, DEFAULTS.learningRate());
        o.setDefault(beta1, DEFAULTS.beta1());
        o.setDefault(beta2, DEFAULTS.beta2());
        o.setDefault(epsilon, DEFAULTS.epsilon());
        o.setDefault(batchSize, DEFAULTS.batchSize());
        o.setDefault(loss, DEFAULTS.loss().key());
        o.setDefault(numNegatives, DEFAULTS.numNegatives());
        o.setDefault(preLayerNorm, DEFAULTS.preLayerNorm());
        o.setDefault(layerNormEps, DEFAULTS.layerNormEps());
        o.setDefault(seed, DEFAULTS.seed());
        o.setDefault(bucketByLength, DEFAULTS.bucketByLength());
        o.setDefault(gradientClipNorm, DEFAULTS.gradientClipNorm());
        o.setDefault(maxEpochs, 50);
        o.setDefault(validationUsers, 0);
    }

    /** The engine configuration of {@code o}'s current values (validated by the engine). */
    SasRecConfig toConfig(Params o) {
        return SasRecConfig.builder()
                .hiddenUnits((Integer) o.getOrDefault(hiddenUnits)).maxLen((Integer) o.getOrDefault(maxLen))
                .numBlocks((Integer) o.getOrDefault(numBlocks)).numHeads((Integer) o.getOrDefault(numHeads))
                .dropout((Double) o.getOrDefault(dropout)).l2Emb((Double) o.getOrDefault(l2Emb))
                .learningRate((Double) o.getOrDefault(learningRate)).beta1((Double) o.getOrDefault(beta1))
                .beta2((Double) o.getOrDefault(beta2)).epsilon((Double) o.getOrDefault(epsilon))
                .batchSize((Integer) o.getOrDefault(batchSize)).loss(Loss.parse(o.getOrDefault(loss)))
                .numNegatives((Integer) o.getOrDefault(numNegatives)).preLayerNorm((Boolean) o.getOrDefault(preLayerNorm))
                .layerNormEps((Double) o.getOrDefault(layerNormEps)).seed((Long) o.getOrDefault(seed))
                .bucketByLength((Boolean) o.getOrDefault(bucketByLength))
                .gradientClipNorm((Double) o.getOrDefault(gradientClipNorm))
                .build();
    }
}
