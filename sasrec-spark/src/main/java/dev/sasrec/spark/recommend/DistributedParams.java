package dev.sasrec.spark.recommend;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

import java.io.Serializable;

/** How {@link SASRec} spreads training over the cluster. */
final class DistributedParams implements Serializable {

    private static final long serialVersionUID = 1L;

    final IntParam numWorkers;
    final IntParam averagingFrequency;
    final Param<String> learningRateScaling;
    final IntParam aggregationDepth;
    final IntParam maxPositionsPerPass;
    final Param<String> initialModel;
    final Param<String> checkpointDir;
    final IntParam checkpointInterval;
    final IntParam trainingTaskCpus;
    final DoubleParam trainingTaskGpus;

    DistributedParams(Params o) {
        numWorkers = new IntParam(o, "numWorkers",
                "partitions trained in parallel, each by one task (>= 1); default 2", ParamValidators.gtEq(1));
        averagingFrequency = new IntParam(o, "averagingFrequency",
                "local training steps of each worker between two parameter averages (>= 1); default 8", ParamValidators.gtEq(1));
        learningRateScaling = new Param<>(o, "learningRateScaling",
                "how each worker's Adam learning rate follows numWorkers: sqrt multiplies learningRate by "
                        + "sqrt(numWorkers), so that averaging the Adam steps of numWorkers workers, each on its share of "
                        + "the batch, moves as far as one step on the whole batch; none uses learningRate as is "
                        + "(sqrt | none); default sqrt",
                ParamValidators.inArray(new String[]{"sqrt", "none"}));
        aggregationDepth = new IntParam(o, "aggregationDepth", "depth of the treeAggregate that sums worker results (>= 2); default 2",
                ParamValidators.gtEq(2));
        maxPositionsPerPass = new IntParam(o, "maxPositionsPerPass",
                "padded positions a worker computes in one pass; longer batches are split with exact gradient accumulation "
                        + "(bounds executor memory; lowered further to fit the executor's memory overhead, "
                        + "spark.executor.memoryOverhead) (>= 1); default 12800", ParamValidators.gtEq(1));
        initialModel = new Param<>(o, "initialModel",
                "path of a saved SASRecModel to start from (warm start; same architecture; items are matched by raw id when both catalogues carry an ItemIndexer vocabulary, new items start fresh; otherwise the catalogue size must match); empty for none; default empty");
        checkpointDir = new Param<>(o, "checkpointDir",
                "directory (any Hadoop file system) for training checkpoints; a fit with the same configuration and data "
                        + "resumes from the latest one; empty for none; default empty");
        checkpointInterval = new IntParam(o, "checkpointInterval", "epochs between checkpoints (>= 1); default 10",
                ParamValidators.gtEq(1));
        trainingTaskCpus = new IntParam(o, "trainingTaskCpus",
                "CPUs each training task asks for through a stage-level resource profile (its native threads follow); "
                        + "0 keeps spark.task.cpus; needs a cluster manager, ignored in local mode (>= 0); default 0",
                ParamValidators.gtEq(0));
        trainingTaskGpus = new DoubleParam(o, "trainingTaskGpus",
                "GPUs (resource name gpu) each training task asks for through a stage-level resource profile, so that "
                        + "only training occupies the GPUs; 0 for none; needs a cluster manager, ignored in local mode "
                        + "(>= 0); default 0", ParamValidators.gtEq(0));
        o.setDefault(trainingTaskCpus, 0);
        o.setDefault(trainingTaskGpus, 0.0);
        o.setDefault(checkpointDir, "");
        o.setDefault(checkpointInterval, 10);
        o.setDefault(numWorkers, 2);
        o.setDefault(averagingFrequency, 8);
        o.setDefault(learningRateScaling, "sqrt");
        o.setDefault(aggregationDepth, 2);
        o.setDefault(maxPositionsPerPass, 12_800);
        o.setDefault(initialModel, "");
    }
}
