package dev.sasrec.spark.recommend;

import dev.sasrec.spark.params.DefaultedParams;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * How {@link SASRec} spreads training over the cluster: workers, averaging, memory, resources, warm start and
 * checkpoints; each param defined once, with its documentation, valid values and default, a getter and a setter.
 *
 * @param <S> the stage type setters return
 */
public interface DistributedParams<S extends DistributedParams<S>> extends Params {

    /** @return parallel workers param */
    default IntParam numWorkers() {
        return DefaultedParams.atLeast(this, "numWorkers",
                "partitions trained in parallel, each by one task", 2, 1);
    }
    /** @return parallel workers */
    default int getNumWorkers() { return (Integer) getOrDefault(numWorkers()); }
    /** @param v parallel workers */
    default S setNumWorkers(int v) { return DefaultedParams.set(this, numWorkers(), v); }
    /** @return local steps between averages param */
    default IntParam averagingFrequency() {
        return DefaultedParams.atLeast(this, "averagingFrequency",
                "local training steps of each worker between two parameter averages", 8, 1);
    }
    /** @return local steps between averages */
    default int getAveragingFrequency() { return (Integer) getOrDefault(averagingFrequency()); }
    /** @param v local steps between averages */
    default S setAveragingFrequency(int v) { return DefaultedParams.set(this, averagingFrequency(), v); }
    /** @return bound on averaging rounds per epoch param */
    default IntParam maxRoundsPerEpoch() {
        return DefaultedParams.atLeast(this, "maxRoundsPerEpoch",
                "most averaging rounds (Spark jobs) in an epoch: when a worker's share of the epoch has more than "
                        + "averagingFrequency * maxRoundsPerEpoch steps, each round takes ceil(steps / maxRoundsPerEpoch) "
                        + "local steps instead, so the fixed cost of the rounds stays bounded however large the data", 50, 1);
    }
    /** @return bound on averaging rounds per epoch */
    default int getMaxRoundsPerEpoch() { return (Integer) getOrDefault(maxRoundsPerEpoch()); }
    /** @param v bound on averaging rounds per epoch */
    default S setMaxRoundsPerEpoch(int v) { return DefaultedParams.set(this, maxRoundsPerEpoch(), v); }
    /** @return how each worker's learning rate follows numWorkers: sqrt or none param */
    default Param<String> learningRateScaling() {
        return DefaultedParams.choice(this, "learningRateScaling",
                "how each worker's Adam learning rate follows numWorkers: sqrt multiplies learningRate by "
                        + "sqrt(numWorkers), so that averaging the Adam steps of numWorkers workers, each on its share of "
                        + "the batch, moves as far as one step on the whole batch; none uses learningRate as is", "sqrt", "sqrt", "none");
    }
    /** @return how each worker's learning rate follows numWorkers: sqrt or none */
    default String getLearningRateScaling() { return getOrDefault(learningRateScaling()); }
    /** @param v how each worker's learning rate follows numWorkers: sqrt or none */
    default S setLearningRateScaling(String v) { return DefaultedParams.set(this, learningRateScaling(), v); }
    /** @return treeAggregate depth param */
    default IntParam aggregationDepth() {
        return DefaultedParams.atLeast(this, "aggregationDepth",
                "depth of the treeAggregate that sums worker results", 2, 2);
    }
    /** @return treeAggregate depth */
    default int getAggregationDepth() { return (Integer) getOrDefault(aggregationDepth()); }
    /** @param v treeAggregate depth */
    default S setAggregationDepth(int v) { return DefaultedParams.set(this, aggregationDepth(), v); }
    /** @return padded positions per pass param */
    default IntParam maxPositionsPerPass() {
        return DefaultedParams.atLeast(this, "maxPositionsPerPass",
                "padded positions a worker computes in one pass; longer batches are split with exact gradient "
                        + "accumulation (bounds executor memory; lowered further to fit the executor's memory overhead, "
                        + "spark.executor.memoryOverhead)", 12_800, 1);
    }
    /** @return padded positions per pass */
    default int getMaxPositionsPerPass() { return (Integer) getOrDefault(maxPositionsPerPass()); }
    /** @param v padded positions per pass */
    default S setMaxPositionsPerPass(int v) { return DefaultedParams.set(this, maxPositionsPerPass(), v); }
    /** @return warm-start model path, empty for none param */
    default Param<String> initialModel() {
        return DefaultedParams.string(this, "initialModel",
                "path of a saved SASRecModel to start from (warm start; same architecture; items are matched by raw "
                        + "id when both catalogues carry an ItemIndexer vocabulary, new items start fresh; otherwise the "
                        + "catalogue size must match); empty for none", "");
    }
    /** @return warm-start model path, empty for none */
    default String getInitialModel() { return getOrDefault(initialModel()); }
    /** @param v warm-start model path, empty for none */
    default S setInitialModel(String v) { return DefaultedParams.set(this, initialModel(), v); }
    /** @return training checkpoint directory, empty for none param */
    default Param<String> checkpointDir() {
        return DefaultedParams.string(this, "checkpointDir",
                "directory (any Hadoop file system) for training checkpoints; a fit with the same configuration and "
                        + "data resumes from the latest one; empty for none", "");
    }
    /** @return training checkpoint directory, empty for none */
    default String getCheckpointDir() { return getOrDefault(checkpointDir()); }
    /** @param v training checkpoint directory, empty for none */
    default S setCheckpointDir(String v) { return DefaultedParams.set(this, checkpointDir(), v); }
    /** @return epochs between checkpoints param */
    default IntParam checkpointInterval() {
        return DefaultedParams.atLeast(this, "checkpointInterval",
                "epochs between checkpoints", 10, 1);
    }
    /** @return epochs between checkpoints */
    default int getCheckpointInterval() { return (Integer) getOrDefault(checkpointInterval()); }
    /** @param v epochs between checkpoints */
    default S setCheckpointInterval(int v) { return DefaultedParams.set(this, checkpointInterval(), v); }
    /** @return CPUs each training task asks for, 0 to keep spark.task.cpus param */
    default IntParam trainingTaskCpus() {
        return DefaultedParams.atLeast(this, "trainingTaskCpus",
                "CPUs each training task asks for through a stage-level resource profile (its native threads "
                        + "follow); 0 keeps spark.task.cpus; needs a cluster manager, ignored in local mode", 0, 0);
    }
    /** @return CPUs each training task asks for, 0 to keep spark.task.cpus */
    default int getTrainingTaskCpus() { return (Integer) getOrDefault(trainingTaskCpus()); }
    /** @param v CPUs each training task asks for, 0 to keep spark.task.cpus */
    default S setTrainingTaskCpus(int v) { return DefaultedParams.set(this, trainingTaskCpus(), v); }
    /** @return GPUs each training task asks for, 0 for none param */
    default DoubleParam trainingTaskGpus() {
        return DefaultedParams.atLeast(this, "trainingTaskGpus",
                "GPUs (resource name gpu) each training task asks for through a stage-level resource profile, so "
                        + "that only training occupies the GPUs; 0 for none; needs a cluster manager, ignored in local mode", 0.0, 0);
    }
    /** @return GPUs each training task asks for, 0 for none */
    default double getTrainingTaskGpus() { return (Double) getOrDefault(trainingTaskGpus()); }
    /** @param v GPUs each training task asks for, 0 for none */
    default S setTrainingTaskGpus(double v) { return DefaultedParams.set(this, trainingTaskGpus(), v); }
}
