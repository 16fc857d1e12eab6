package dev.sasrec.spark.recommend;

import dev.sasrec.engine.SasRecConfig;
import dev.sasrec.engine.SasRecNetwork;
import dev.sasrec.spark.index.ItemVocabulary;
import dev.sasrec.spark.schema.Columns;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.greatest;

/**
 * Trains SASRec on Spark with synchronous parameter averaging: the users' sequences are spread over
 * {@code numWorkers} partitions, every worker trains a copy of the engine on its users for
 * {@code averagingFrequency} steps, the copies' parameters and Adam state are averaged on the driver through a
 * {@code treeAggregate}, and the next round starts from the average. {@code batchSize} counts the users of one
 * step over all workers (each takes its share), so an epoch has as many steps as the engine's alone; and each
 * worker's learning rate is {@code learningRate * sqrt(numWorkers)} ({@code learningRateScaling}), since the average
 * of Adam steps taken on shares of a batch is shorter than one step on the whole batch. With both, the learning
 * curve per epoch follows the engine's.
 *
 * <p>Input: {@code itemsCol}, each user's item indices in time order ({@code array<int>}, as {@code ItemIndexer}
 * makes them; 0s are ignored). When that column carries the indexer's vocabulary, recommendations come back in
 * raw ids. When the input has {@code userCol}, the last {@code maxLen} items of each user are kept with the
 * model for {@link SASRecModel#recommendForAllUsers}. Rows that cannot be trained on are counted in the model's
 * {@link TrainingSummary}: null histories, and histories with fewer than 2 items.
 */
public final class SASRec extends Estimator<SASRecModel> implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SASRec.class);

    private final String uid;
    private final ScoringParams scoring;
    private final EngineParams engine;
    private final DistributedParams distributed;

    /** An estimator with a random uid. */
    public SASRec() {
        this(Identifiable$.MODULE$.randomUID("sasrec"));
    }

    /** An estimator with the given uid. */
    public SASRec(String uid) {
        this.uid = uid;
        this.scoring = new ScoringParams(this);
        this.engine = new EngineParams(this);
        this.distributed = new DistributedParams(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return user column param */
    public Param<String> userCol() { return scoring.userCol; }
    /** @return item-index sequence column param */
    public Param<String> itemsCol() { return scoring.itemsCol; }
    /** @return recommendations column of the fitted model param */
    public Param<String> recommendationsCol() { return scoring.recommendationsCol; }
    /** @return number of recommendations param */
    public IntParam k() { return scoring.k; }
    /** @return exclude the history param */
    public BooleanParam excludeSeen() { return scoring.excludeSeen; }
    /** @return drop or popular param */
    public Param<String> coldStartStrategy() { return scoring.coldStartStrategy; }
    /** @return prediction column, empty for none param */
    public Param<String> predictionCol() { return scoring.predictionCol; }
    /** @return candidates column, empty for none param */
    public Param<String> candidatesCol() { return scoring.candidatesCol; }
    /** @return candidate scores column param */
    public Param<String> candidateScoresCol() { return scoring.candidateScoresCol; }
    /** @return users scored together param */
    public IntParam scoringBatchSize() { return scoring.scoringBatchSize; }
    /** @return evaluation target column param of the fitted model */
    public Param<String> targetCol() { return scoring.targetCol; }
    /** @return full-protocol rank column param of the fitted model */
    public Param<String> fullRankCol() { return scoring.fullRankCol; }
    /** @return sampled-protocol rank column param of the fitted model */
    public Param<String> sampledRankCol() { return scoring.sampledRankCol; }
    /** @return embedding width d param */
    public IntParam hiddenUnits() { return engine.hiddenUnits; }
    /** @return sequence length n param */
    public IntParam maxLen() { return engine.maxLen; }
    /** @return self-attention blocks param */
    public IntParam numBlocks() { return engine.numBlocks; }
    /** @return attention heads param */
    public IntParam numHeads() { return engine.numHeads; }
    /** @return dropout rate param */
    public DoubleParam dropout() { return engine.dropout; }
    /** @return embedding L2 penalty param */
    public DoubleParam l2Emb() { return engine.l2Emb; }
    /** @return Adam learning rate param */
    public DoubleParam learningRate() { return engine.learningRate; }
    /** @return Adam beta1 param */
    public DoubleParam beta1() { return engine.beta1; }
    /** @return Adam beta2 param */
    public DoubleParam beta2() { return engine.beta2; }
    /** @return Adam epsilon param */
    public DoubleParam epsilon() { return engine.epsilon; }
    /** @return users per step param */
    public IntParam batchSize() { return engine.batchSize; }
    /** @return bce, ce or sampled param */
    public Param<String> loss() { return engine.loss; }
    /** @return negatives of the sampled loss param */
    public IntParam numNegatives() { return engine.numNegatives; }
    /** @return pre-LN attention param */
    public BooleanParam preLayerNorm() { return engine.preLayerNorm; }
    /** @return layer-norm epsilon param */
    public DoubleParam layerNormEps() { return engine.layerNormEps; }
    /** @return random seed param */
    public LongParam seed() { return engine.seed; }
    /** @return length-bucketed batches param */
    public BooleanParam bucketByLength() { return engine.bucketByLength; }
    /** @return gradient-norm cap param (0: no clipping) */
    public DoubleParam gradientClipNorm() { return engine.gradientClipNorm; }
    /** @return training epochs param */
    public IntParam maxEpochs() { return engine.maxEpochs; }
    /** @return held-out validation users param */
    public IntParam validationUsers() { return engine.validationUsers; }
    /** @return parallel workers param */
    public IntParam numWorkers() { return distributed.numWorkers; }
    /** @return local steps between averages param */
    public IntParam averagingFrequency() { return distributed.averagingFrequency; }
    /** How each worker's learning rate follows {@code numWorkers}: {@code sqrt} (default) or {@code none}. */
    public Param<String> learningRateScaling() { return distributed.learningRateScaling; }
    /** @return treeAggregate depth param */
    public IntParam aggregationDepth() { return distributed.aggregationDepth; }
    /** @return padded positions per pass param */
    public IntParam maxPositionsPerPass() { return distributed.maxPositionsPerPass; }
    /** @return CPUs per training task (stage-level resource profile) param */
    public IntParam trainingTaskCpus() { return distributed.trainingTaskCpus; }
    /** @return GPUs per training task (stage-level resource profile) param */
    public DoubleParam trainingTaskGpus() { return distributed.trainingTaskGpus; }
    /** @return warm-start model path, empty for none param */
    public Param<String> initialModel() { return distributed.initialModel; }
    /** @return training checkpoint directory param */
    public Param<String> checkpointDir() { return distributed.checkpointDir; }
    /** @return epochs between checkpoints param */
    public IntParam checkpointInterval() { return distributed.checkpointInterval; }

    /** @param v user column */
    public SASRec setUserCol(String v) { set(scoring.userCol, v); return this; }
    /** @param v item-index sequence column */
    public SASRec setItemsCol(String v) { set(scoring.itemsCol, v); return this; }
    /** @param v recommendations column of the fitted model */
    public SASRec setRecommendationsCol(String v) { set(scoring.recommendationsCol, v); return this; }
    /** @param v number of recommendations */
    public SASRec setK(int v) { set(scoring.k, v); return this; }
    /** @param v exclude the history */
    public SASRec setExcludeSeen(boolean v) { set(scoring.excludeSeen, v); return this; }
    /** @param v drop or popular */
    public SASRec setColdStartStrategy(String v) { set(scoring.coldStartStrategy, v); return this; }
    /** @param v prediction column, empty for none */
    public SASRec setPredictionCol(String v) { set(scoring.predictionCol, v); return this; }
    /** @param v candidates column, empty for none */
    public SASRec setCandidatesCol(String v) { set(scoring.candidatesCol, v); return this; }
    /** @param v candidate scores column */
    public SASRec setCandidateScoresCol(String v) { set(scoring.candidateScoresCol, v); return this; }
    /** @param v users scored together */
    public SASRec setScoringBatchSize(int v) { set(scoring.scoringBatchSize, v); return this; }
    /** @param v evaluation target column of the fitted model, empty for none */
    public SASRec setTargetCol(String v) { set(scoring.targetCol, v); return this; }
    /** @param v full-protocol rank column */
    public SASRec setFullRankCol(String v) { set(scoring.fullRankCol, v); return this; }
    /** @param v sampled-protocol rank column */
    public SASRec setSampledRankCol(String v) { set(scoring.sampledRankCol, v); return this; }
    /** @param v embedding width d */
    public SASRec setHiddenUnits(int v) { set(engine.hiddenUnits, v); return this; }
    /** @param v sequence length n */
    public SASRec setMaxLen(int v) { set(engine.maxLen, v); return this; }
    /** @param v self-attention blocks */
    public SASRec setNumBlocks(int v) { set(engine.numBlocks, v); return this; }
    /** @param v attention heads */
    public SASRec setNumHeads(int v) { set(engine.numHeads, v); return this; }
    /** @param v dropout rate */
    public SASRec setDropout(double v) { set(engine.dropout, v); return this; }
    /** @param v embedding L2 penalty */
    public SASRec setL2Emb(double v) { set(engine.l2Emb, v); return this; }
    /** @param v Adam learning rate */
    public SASRec setLearningRate(double v) { set(engine.learningRate, v); return this; }
    /** @param v Adam beta1 */
    public SASRec setBeta1(double v) { set(engine.beta1, v); return this; }
    /** @param v Adam beta2 */
    public SASRec setBeta2(double v) { set(engine.beta2, v); return this; }
    /** @param v Adam epsilon */
    public SASRec setEpsilon(double v) { set(engine.epsilon, v); return this; }
    /** @param v users per step */
    public SASRec setBatchSize(int v) { set(engine.batchSize, v); return this; }
    /** @param v bce, ce or sampled */
    public SASRec setLoss(String v) { set(engine.loss, v); return this; }
    /** @param v negatives of the sampled loss */
    public SASRec setNumNegatives(int v) { set(engine.numNegatives, v); return this; }
    /** @param v pre-LN attention */
    public SASRec setPreLayerNorm(boolean v) { set(engine.preLayerNorm, v); return this; }
    /** @param v layer-norm epsilon */
    public SASRec setLayerNormEps(double v) { set(engine.layerNormEps, v); return this; }
    /** @param v random seed */
    public SASRec setSeed(long v) { set(engine.seed, v); return this; }
    /** @param v length-bucketed batches */
    public SASRec setBucketByLength(boolean v) { set(engine.bucketByLength, v); return this; }
    /** @param v cap on each step's gradient L2 norm, 0 for no clipping */
    public SASRec setGradientClipNorm(double v) { set(engine.gradientClipNorm, v); return this; }
    /** @param v training epochs */
    public SASRec setMaxEpochs(int v) { set(engine.maxEpochs, v); return this; }
    /** @param v users held out for per-epoch validation, 0 for none */
    public SASRec setValidationUsers(int v) { set(engine.validationUsers, v); return this; }
    /** @param v parallel workers */
    public SASRec setNumWorkers(int v) { set(distributed.numWorkers, v); return this; }
    /** @param v local steps between averages */
    public SASRec setAveragingFrequency(int v) { set(distributed.averagingFrequency, v); return this; }
    /** @param v how each worker's learning rate follows numWorkers: sqrt or none */
    public SASRec setLearningRateScaling(String v) { set(distributed.learningRateScaling, v); return this; }
    /** @param v treeAggregate depth */
    public SASRec setAggregationDepth(int v) { set(distributed.aggregationDepth, v); return this; }
    /** @param v padded positions per pass */
    public SASRec setMaxPositionsPerPass(int v) { set(distributed.maxPositionsPerPass, v); return this; }
    /** @param v CPUs each training task asks for, 0 to keep spark.task.cpus */
    public SASRec setTrainingTaskCpus(int v) { set(distributed.trainingTaskCpus, v); return this; }
    /** @param v GPUs each training task asks for, 0 for none */
    public SASRec setTrainingTaskGpus(double v) { set(distributed.trainingTaskGpus, v); return this; }
    /** @param v warm-start model path, empty for none */
    public SASRec setInitialModel(String v) { set(distributed.initialModel, v); return this; }
    /** @param v training checkpoint directory, empty for none */
    public SASRec setCheckpointDir(String v) { set(distributed.checkpointDir, v); return this; }
    /** @param v epochs between checkpoints */
    public SASRec setCheckpointInterval(int v) { set(distributed.checkpointInterval, v); return this; }

    /** The engine configuration the current params describe (validated). */
    public SasRecConfig engineConfig() {
        return engine.toConfig(this);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Columns.intArray(schema, $(scoring.itemsCol));
        return schema;
    }

    @Override
    public SASRecModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        SasRecConfig config = engineConfig();
        String items = $(scoring.itemsCol);
        StructField itemsField = dataset.schema().apply(items);
        ItemVocabulary vocabulary = ItemVocabulary.of(itemsField).orElse(null);
        TrainingSummary summary = new TrainingSummary();

        Dataset<Row> usable = dataset.toDF().select(col(items)).filter(col(items).isNotNull())
                .select(filter(col(items), x -> x.gt(0)).as("s"));
        long nullRows = dataset.filter(col(items).isNull()).count();
        int numItems;
        if (vocabulary != null) {
            numItems = vocabulary.size();
        } else {
            Row max = usable.selectExpr("max(array_max(s))").first();
            if (max.isNullAt(0)) {
                throw new IllegalArgumentException("column " + items + " holds no item index > 0 to train on");
            }
            numItems = max.getInt(0);
        }
        int n = config.maxLen();
        JavaRDD<int[]> sequences = trainingWindows(usable, n).javaRDD().map(r -> {
            List<Integer> list = r.getList(0);
            return list.stream().mapToInt(Integer::intValue).toArray();
        });
        int workers = (Integer) $(distributed.numWorkers);
        // Keyed by content, not by the order rows arrive in: that order changes with shuffles and with recomputing
        // a lost partition, and the validation sample, the partitioning and each partition's order must not.
        // Histories with equal keys are equal (up to 64-bit collisions), so their relative order cannot matter.
        JavaPairRDD<Long, int[]> keyed = sequences.mapToPair(s -> new Tuple2<>(contentKey(s), s));
        HeldOutValidation validation = null;
        if ((Integer) $(engine.validationUsers) > 0) {
            validation = HeldOutValidation.sample(keyed, (Integer) $(engine.validationUsers), config.seed());
            keyed = validation.holdOut(keyed);
        }
        JavaRDD<int[]> all = keyed.repartitionAndSortWithinPartitions(new HashPartitioner(workers)).values()
                .persist(StorageLevel.MEMORY_AND_DISK());
        long total = all.count();
        int finalNumItems = numItems;
        long outOfRange = all.filter(s -> Arrays.stream(s).anyMatch(i -> i > finalNumItems)).count();
        if (outOfRange > 0) {
            all.unpersist(false);
            throw new IllegalArgumentException("column " + items + ": " + outOfRange + " histories hold item indices above "
                    + numItems + ", the size of the vocabulary in the column's metadata");
        }
        JavaRDD<int[]> trainable = all.filter(s -> s.length >= 2).persist(StorageLevel.MEMORY_AND_DISK());
        DataFingerprint fingerprint = DataFingerprint.of(trainable);
        long count = fingerprint.sequences();
        all.unpersist(false);
        summary.dropped("null history", nullRows);
        summary.dropped("fewer than 2 items", total - count);
        summary.sizes(count, numItems, workers);
        if (validation != null) {
            summary.validationUsers(validation.size());
        }
        if (count == 0) {
            trainable.unpersist(false);
            throw new IllegalArgumentException("column " + items + " has no history with at least 2 items to train on");
        }

        ParameterAveraging.State start = ParameterAveraging.start(initialNetwork(config, numItems, vocabulary));
        int firstEpoch = 1;
        TrainingCheckpoints checkpoints = $(distributed.checkpointDir).isEmpty() ? null
                : new TrainingCheckpoints($(distributed.checkpointDir), dataset.sparkSession().sparkContext().hadoopConfiguration());
        if (checkpoints != null) {
            java.util.Optional<TrainingCheckpoints.Restored> restored = checkpoints.latest(config, numItems, fingerprint);
            if (restored.isPresent()) {
                start = restored.get().state();
                firstEpoch = restored.get().epoch() + 1;
                restored.get().history().forEach(summary::addEpoch);
                LOG.info("resuming from the checkpoint of epoch {} in {}", restored.get().epoch(), $(distributed.checkpointDir));
            }
        }
        summary.resumedAfter(firstEpoch - 1);
        int interval = (Integer) $(distributed.checkpointInterval);
        int epochs = (Integer) $(engine.maxEpochs);
        int positions = (Integer) $(distributed.maxPositionsPerPass);
        java.util.OptionalLong nativeBytes = NativeMemoryBudget.nativeBytes(dataset.sparkSession().sparkContext().getConf());
        if (nativeBytes.isPresent()) {
            int fit = NativeMemoryBudget.positionsPerPass(config, numItems, nativeBytes.getAsLong());
            LOG.info("executor native memory {} MiB: at most {} padded positions per training pass (maxPositionsPerPass {})",
                    nativeBytes.getAsLong() >> 20, fit, positions);
            positions = Math.min(positions, fit);
        }
        summary.positionsPerPass(positions);
        ParameterAveraging averaging = new ParameterAveraging(config, numItems, workers,
                "sqrt".equals($(distributed.learningRateScaling)), (Integer) $(distributed.averagingFrequency),
                (Integer) $(distributed.aggregationDepth), positions, NativeMemoryBudget.collectionSlack(nativeBytes), TrainingResources.profile(
                        (Integer) $(distributed.trainingTaskCpus), (Double) $(distributed.trainingTaskGpus),
                        dataset.sparkSession().sparkContext()));
        HeldOutValidation validator = validation;
        ParameterAveraging.State end = averaging.train(trainable, start, firstEpoch, epochs, count,
                (measured, state) -> {
                    TrainingSummary.Epoch e = validator == null ? measured
                            : validator.evaluate(measured, new SasRecNetwork(config, finalNumItems, Nd4j.createFromArray(state.params())));
                    summary.addEpoch(e);
                    if (checkpoints != null && (e.epoch() % interval == 0 || e.epoch() == epochs)) {
                        checkpoints.save(state, e.epoch(), config, numItems, fingerprint, summary.epochs());
                    }
                    return e;
                });
        trainable.unpersist(false);
        LOG.info("{}", summary);

        SasRecNetwork trained = new SasRecNetwork(config, numItems, Nd4j.createFromArray(end.params()));
        Dataset<Row> histories = null;
        String user = $(scoring.userCol);
        if (Arrays.asList(dataset.schema().fieldNames()).contains(user)) {
            histories = dataset.toDF().filter(col(items).isNotNull())
                    .select(col(user), slice(filter(col(items), x -> x.gt(0)), greatest(size(filter(col(items), x -> x.gt(0))).minus(n - 1), lit(1)), lit(n))
                            .as(items, itemsField.metadata()))
                    .filter(size(col(items)).gt(0));
        }
        SASRecModel model = new SASRecModel(uid, trained, vocabulary, histories, summary);
        copyValues(model, extractParamMap());
        return model.setParent(this);
    }

    private SasRecNetwork initialNetwork(SasRecConfig config, int numItems, ItemVocabulary vocabulary) {
        String path = $(distributed.initialModel);
        if (path.isEmpty()) {
            return SasRecNetwork.initialise(config, numItems);
        }
        WarmStart.Start start = WarmStart.from(SASRecModel.load(path), path, config, numItems, vocabulary);
        LOG.info("warm start from {}: {} of {} item embeddings carried over", path, start.itemsCarried(), numItems);
        return start.network();
    }

    /**
     * Column {@code s} of {@code histories} cut to its last {@code n + 1} items: the engine reads the last n inputs
     * and their n targets, so only these travel to the workers, however long a history is.
     */
    static Dataset<Row> trainingWindows(Dataset<Row> histories, int n) {
        return histories.select(slice(col("s"), greatest(size(col("s")).minus(n), lit(1)), lit(n + 1)).as("s"));
    }

    /** A 64-bit hash of a history's items, stable across JVMs and runs. */
    static long contentKey(int[] history) {
        long h = 0x9E3779B97F4A7C15L ^ history.length;
        for (int item : history) {
            h = (h ^ item) * 0xFF51AFD7ED558CCDL;
            h ^= h >>> 33;
        }
        return h;
    }

    @Override
    public SASRec copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new DefaultParamsWriter(this);
    }

    /** Reader for saved estimators. */
    public static MLReader<SASRec> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads an estimator saved with {@link #write()}. */
    public static SASRec load(String path) {
        return read().load(path);
    }
}
