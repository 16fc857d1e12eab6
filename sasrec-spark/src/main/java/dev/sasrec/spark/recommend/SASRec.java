package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.spark.index.ItemVocabulary;
import dev.sasrec.spark.params.DefaultedParams;
import dev.sasrec.spark.schema.Columns;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.greatest;

/**
 * Trains SASRec on Spark with synchronous parameter averaging: the users' sequences are spread over
 * {@code numWorkers} partitions, every worker trains a copy of the engine on its users for
 * {@code averagingFrequency} steps (more when an epoch would otherwise take over {@code maxRoundsPerEpoch}
 * rounds), what the copies changed (parameters and Adam state) is averaged on the driver, and the next round starts
 * from the average. {@code batchSize} counts the users of one
 * step over all workers (each takes its share), so an epoch has as many steps as the engine's alone; and each
 * worker's learning rate is {@code learningRate * sqrt(numWorkers)} ({@code learningRateScaling}), since the average
 * of Adam steps taken on shares of a batch is shorter than one step on the whole batch. With both, the learning
 * curve per epoch follows the engine's. With {@code validationUsers} held out, {@code earlyStoppingPatience}
 * ends training after that many epochs without a better validation NDCG@10, keeping the best epoch's parameters.
 *
 * <p>Input: {@code itemsCol}, each user's item indices in time order ({@code array<int>}, as {@code ItemIndexer}
 * makes them; 0s are ignored). When that column carries the indexer's vocabulary, recommendations come back in
 * raw ids. When the input has {@code userCol}, the last {@code maxLen} items of each user are kept with the
 * model for {@link SASRecModel#recommendForAllUsers}. Rows that cannot be trained on are counted in the model's
 * {@link TrainingSummary}: null histories, and histories with fewer than 2 items.
 */
public final class SASRec extends Estimator<SASRecModel>
        implements ScoringParams<SASRec>, EngineParams<SASRec>, DistributedParams<SASRec>, DefaultParamsWritable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SASRec.class);

    private final String uid;
    private transient SASRecModel initialModelInstance;

    /** An estimator with a random uid. */
    public SASRec() {
        this(Identifiable$.MODULE$.randomUID("sasrec"));
    }

    /** An estimator with the given uid. */
    public SASRec(String uid) {
        this.uid = uid;
        DefaultedParams.initialise(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Columns.intArray(schema, getItemsCol());
        return schema;
    }

    /**
     * Trains on {@code dataset}'s {@code itemsCol} (see the class comment): validates the input, logs the params,
     * hands the histories to the distributed trainer and wraps the trained network, with the kept histories and the
     * training summary, as a {@link SASRecModel}.
     */
    @Override
    public SASRecModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        if (getEarlyStoppingPatience() > 0 && getValidationUsers() == 0) {
            throw new IllegalArgumentException("earlyStoppingPatience " + getEarlyStoppingPatience() + " needs "
                    + "validationUsers > 0: early stopping watches the validation NDCG@10 of held-out users");
        }
        TrainingOptions options = trainingOptions();
        LOG.info("SASRec {} fit: {}", uid, extractParamMap());
        DistributedTrainer.Result trained = DistributedTrainer.train(dataset, options, this::initialNetwork);
        SASRecModel model = new SASRecModel(uid, trained.network(), trained.vocabulary(),
                keptHistories(dataset, options.config().maxLen()), trained.summary());
        copyValues(model, extractParamMap());
        return model.setParent(this);
    }

    private TrainingOptions trainingOptions() {
        // The pass size and collection slack as configured, with no memory budget: DistributedTrainer sizes them
        // to the executors' native memory.
        AveragingOptions averaging = new AveragingOptions(getNumWorkers(), "sqrt".equals(getLearningRateScaling()),
                getAveragingFrequency(), getMaxRoundsPerEpoch(), getAggregationDepth(), getMaxPositionsPerPass(),
                NativeMemoryBudget.collectionSlack(java.util.OptionalLong.empty(), 0), getTrainingBackend());
        return new TrainingOptions(engineConfig(), getItemsCol(), getMaxEpochs(), getValidationUsers(),
                getEarlyStoppingPatience(), getCheckpointDir(), getCheckpointInterval(), averaging, getTrainingTaskCpus(),
                getTrainingTaskGpus());
    }

    /**
     * The last {@code n} items of each history, by user, kept with the model for {@code recommendForAllUsers}; null
     * when the input has no {@code userCol}.
     */
    private Dataset<Row> keptHistories(Dataset<?> dataset, int n) {
        String user = getUserCol();
        String items = getItemsCol();
        if (!Arrays.asList(dataset.schema().fieldNames()).contains(user)) {
            return null;
        }
        Column real = filter(col(items), x -> x.gt(0));
        return dataset.toDF().filter(col(items).isNotNull())
                .select(col(user), slice(real, greatest(size(real).minus(n - 1), lit(1)), lit(n))
                        .as(items, dataset.schema().apply(items).metadata()))
                .filter(size(col(items)).gt(0));
    }

    private SasRecNetwork initialNetwork(SasRecConfig config, int numItems, ItemVocabulary vocabulary) {
        String path = getInitialModel();
        if (initialModelInstance == null && path.isEmpty()) {
            return SasRecNetwork.initialise(config, numItems);
        }
        SASRecModel previous = initialModelInstance != null ? initialModelInstance : SASRecModel.load(path);
        String source = initialModelInstance != null ? previous.uid() : path;
        WarmStart.Start start = WarmStart.from(previous, source, config, numItems, vocabulary);
        LOG.info("warm start from {}: {} of {} item embeddings carried over", source, start.itemsCarried(), numItems);
        return start.network();
    }

    /**
     * Warm-starts from {@code model}, already loaded, instead of the path in {@code initialModel} (for example the
     * SASRec stage of a loaded pipeline). Not a param: it is not saved with the estimator, and it is kept by
     * {@link #copy}. Null goes back to {@code initialModel}.
     */
    public SASRec setInitialModel(SASRecModel model) {
        this.initialModelInstance = model;
        return this;
    }

    @Override
    public SASRec copy(ParamMap extra) {
        SASRec copied = defaultCopy(extra);
        copied.initialModelInstance = initialModelInstance;
        return copied;
    }

    /** Reader of saved estimators ({@code Pipeline} loading calls it). */
    public static MLReader<SASRec> read() { return new DefaultParamsReader<>(); }
    /** Loads an estimator saved with {@code write()}. */
    public static SASRec load(String path) { return read().load(path); }
}
