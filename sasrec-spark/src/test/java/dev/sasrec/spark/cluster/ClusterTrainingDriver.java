package dev.sasrec.spark.cluster;

import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.eval.LeaveOneOutEvaluator;
import dev.sasrec.engine.eval.Protocol;
import dev.sasrec.engine.eval.RankingMetrics;
import dev.sasrec.spark.SequenceFrames;
import dev.sasrec.spark.recommend.SASRec;
import dev.sasrec.spark.recommend.SASRecModel;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The driver of {@link ExecutorLossTest}, run in its own JVM against a standalone master: trains SASRec with two
 * workers on generated data, the training tasks under a stage-level resource profile (one CPU each), then writes
 * one line to the output file: the full-ranking test NDCG@10, a hash of the trained parameters, how many executors
 * were lost and tasks failed on the way, how many stages ran under a non-default resource profile, and how many
 * cached RDD partitions were stored by the executors (a recomputed lost partition is stored again).
 *
 * <p>It prints {@value #EPOCH_3_TASK_RUNNING} to standard output when a training task of epoch 3 has started, for
 * the test to kill an executor while that task runs.
 *
 * <p>Arguments: master URL, output file, executor JVM options (one string).
 */
public final class ClusterTrainingDriver {

    /** The line printed when a training task of epoch 3 has started. */
    static final String EPOCH_3_TASK_RUNNING = "a training task of epoch 3 is running";

    private ClusterTrainingDriver() {
    }

    public static void main(String[] args) throws Exception {
        SparkSession spark = SparkSession.builder().master(args[0]).appName("sasrec-executor-loss")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.cores", "1")
                .config("spark.cores.max", "2")
                .config("spark.executor.memory", "768m")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config("spark.executor.extraJavaOptions", args[2])
                .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                .config("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s")
                .config("spark.default.parallelism", "2")
                .getOrCreate();
        AtomicInteger executorsRemoved = new AtomicInteger();
        AtomicInteger failedTasks = new AtomicInteger();
        AtomicInteger profiledStages = new AtomicInteger();
        AtomicInteger cachedBlocksStored = new AtomicInteger();
        Set<Integer> epoch3Stages = ConcurrentHashMap.newKeySet();
        AtomicInteger epoch3Announced = new AtomicInteger();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
                executorsRemoved.incrementAndGet();
            }

            @Override
            public void onStageSubmitted(SparkListenerStageSubmitted e) {
                if (e.stageInfo().resourceProfileId() != 0) {
                    profiledStages.incrementAndGet();
                }
                String description = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
                if (description != null && description.startsWith("SASRec epoch 3/")) {
                    epoch3Stages.add(e.stageInfo().stageId());
                }
            }

            @Override
            public void onTaskStart(SparkListenerTaskStart e) {
                if (epoch3Stages.contains(e.stageId()) && epoch3Announced.getAndIncrement() == 0) {
                    System.out.println(EPOCH_3_TASK_RUNNING);
                    System.out.flush();
                }
            }

            @Override
            public void onBlockUpdated(SparkListenerBlockUpdated e) {
                if (e.blockUpdatedInfo().blockId().isRDD() && e.blockUpdatedInfo().storageLevel().isValid()) {
                    cachedBlocksStored.incrementAndGet();
                }
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd e) {
                if (!e.taskInfo().successful()) {
                    failedTasks.incrementAndGet();
                }
            }
        });

        LeaveOneOutSplit split = LeaveOneOutSplit.of(SyntheticSequences.generate(600, 120, 20, 40, 0.9, 7));
        Dataset<Row> data = SequenceFrames.of(spark, split.train()).repartition(2);
        // One averaging round per epoch: each epoch is one Spark job whose two tasks run the whole epoch, so an
        // executor killed during an epoch takes a running task with it.
        SASRecModel model = new SASRec().setItemsCol("itemIndex").setHiddenUnits(32).setMaxLen(40).setNumBlocks(2)
                .setDropout(0.1).setBatchSize(32).setLearningRate(0.005).setMaxEpochs(8).setSeed(21L)
                .setNumWorkers(2).setAveragingFrequency(1000).setTrainingTaskCpus(1).fit(data);
        RankingMetrics full = LeaveOneOutEvaluator.evaluate(model.network().newScorer(), split,
                LeaveOneOutEvaluator.Split.TEST, Protocol.FULL, 10, 10_000, 1);
        int hash = Arrays.hashCode(model.network().parameters().data().asFloat());
        Files.writeString(Path.of(args[1]), String.format(Locale.ROOT, "%.6f %d %d %d %d %d%n", full.ndcg(), hash,
                executorsRemoved.get(), failedTasks.get(), profiledStages.get(), cachedBlocksStored.get()));
        spark.stop();
    }
}
