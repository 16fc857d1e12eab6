package dev.sasrec.spark.cluster;

import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.engine.eval.LeaveOneOutEvaluator;
import dev.sasrec.engine.eval.Protocol;
import dev.sasrec.engine.eval.RankingMetrics;
import dev.sasrec.spark.SequenceFrames;
import dev.sasrec.spark.recommend.SASRec;
import dev.sasrec.spark.recommend.SASRecModel;
import dev.sasrec.spark.recommend.TrainingSummary;
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
 * workers and lazy Adam on generated data over a large catalogue, the training tasks under a stage-level resource
 * profile (one CPU each), then writes one line to the output file: the sampled-ranking test NDCG@10, a hash of the
 * trained parameters, how many executors were lost and tasks failed on the way, how many stages ran under a
 * non-default resource profile, how many cached RDD partitions were stored by the executors (a recomputed lost
 * partition is stored again), the rounds of an epoch, the most bytes a round exchanged and the bytes of the item
 * table's whole state (parameters and both moments).
 *
 * <p>It prints {@value #EPOCH_3_TASK_RUNNING} to standard output when a training task of epoch 3 has started, for
 * the test to kill an executor while that task runs.
 *
 * <p>Arguments: master URL, output file, executor JVM options (one string).
 */
public final class ClusterTrainingDriver {

    /** The line printed when a training task of epoch 3 has started. */
    static final String EPOCH_3_TASK_RUNNING = "a training task of epoch 3 is running";

    /** The distance between two consecutive items of the generated rule in the catalogue. */
    private static final int SPREAD = 500;

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

        // The generated rule over 120 items, spread over a catalogue of 59,501 (item i becomes 1 + 500 (i - 1)):
        // with lazy Adam a round moves the rows of the items and negatives it drew, a small part of the table, so
        // the rounds exchange sparse changes and a replacement executor must rebuild the rest from the whole state.
        UserSequences generated = SyntheticSequences.generate(600, 120, 20, 40, 0.9, 7);
        int[][] spread = Arrays.stream(generated.sequences())
                .map(s -> Arrays.stream(s).map(i -> 1 + SPREAD * (i - 1)).toArray()).toArray(int[][]::new);
        LeaveOneOutSplit split = LeaveOneOutSplit.of(new UserSequences(spread, 1 + SPREAD * (generated.numItems() - 1)));
        Dataset<Row> data = SequenceFrames.of(spark, split.train()).repartition(2);
        // Two averaging rounds per epoch: each round is one Spark job whose two tasks run half the epoch, so an
        // executor killed during an epoch takes a running task with it.
        SASRecModel model = new SASRec().setItemsCol("itemIndex").setHiddenUnits(32).setMaxLen(40).setNumBlocks(2)
                .setDropout(0.1).setBatchSize(32).setLearningRate(0.005).setMaxEpochs(8).setSeed(21L).setLazyAdam(true)
                .setNumWorkers(2).setAveragingFrequency(12).setTrainingTaskCpus(1).fit(data);
        // Sampled ranking: the catalogue's unused items keep their initial rows, which a full ranking would rank too.
        RankingMetrics sampled = LeaveOneOutEvaluator.evaluate(model.network().newScorer(), split,
                LeaveOneOutEvaluator.Split.TEST, Protocol.SAMPLED_100, 10, 10_000, 1);
        int hash = Arrays.hashCode(model.network().parameters().data().asFloat());
        TrainingSummary summary = model.summary().orElseThrow();
        double maxExchanged = summary.epochs().stream().mapToDouble(TrainingSummary.Epoch::exchangedBytesPerRound).max()
                .orElseThrow();
        long itemTableState = 3L * (summary.numItems() + 1) * model.network().config().hiddenUnits() * Float.BYTES;
        Files.writeString(Path.of(args[1]), String.format(Locale.ROOT, "%.6f %d %d %d %d %d %d %.0f %d%n", sampled.ndcg(), hash,
                executorsRemoved.get(), failedTasks.get(), profiledStages.get(), cachedBlocksStored.get(),
                summary.epochs().get(0).rounds(), maxExchanged, itemTableState));
        spark.stop();
    }
}
