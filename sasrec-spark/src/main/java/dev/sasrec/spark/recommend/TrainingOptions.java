package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.SasRecConfig;

/**
 * Everything {@link DistributedTrainer} needs besides the data, as {@link SASRec}'s params give it (see their
 * documentation for each).
 *
 * @param config          the engine's hyper-parameters
 * @param itemsCol        the column of item-index histories
 * @param maxEpochs       epochs to train
 * @param validationUsers users held out for per-epoch validation, 0 for none
 * @param patience        epochs without a better validation NDCG@10 before training stops, 0 for none
 * @param checkpointDir   where training checkpoints go, empty for none
 * @param checkpointInterval epochs between checkpoints
 * @param averaging       how training spreads over the workers (its {@code maxPositionsPerPass} and
 *                        {@code collectionSlack} are the configured ones, before executor memory is considered:
 *                        see {@link AveragingOptions#sizedTo})
 * @param trainingTaskCpus CPUs per training task, 0 for {@code spark.task.cpus}
 * @param trainingTaskGpus GPUs per training task, 0 for none
 */
record TrainingOptions(SasRecConfig config, String itemsCol, int maxEpochs, int validationUsers, int patience,
                       String checkpointDir, int checkpointInterval, AveragingOptions averaging, int trainingTaskCpus,
                       double trainingTaskGpus) {
}
