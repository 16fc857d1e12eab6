package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.Checkpoint;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.spark.index.ItemVocabulary;
import dev.sasrec.spark.params.DefaultedParams;
import dev.sasrec.spark.schema.Columns;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.apache.spark.sql.functions.col;

/**
 * A fitted SASRec recommender: scores users from their item histories at transform time, so new users and
 * changed histories need no retraining.
 *
 * <p>{@link #transform} adds {@code recommendationsCol}, an {@code array<struct<item, score>>} of the top
 * {@code k} items in raw ids (history excluded unless {@code excludeSeen} is false), or with
 * {@code explorationTemperature} T > 0 k items drawn from softmax(score / T), each with its {@code propensity}
 * (seeded by the model's seed, the {@code userCol} value, or the history where there is no such column, and the
 * {@code eventTimeCol} value); optionally
 * {@code predictionCol} (top-k indices as {@code array<double>}, for Spark's {@code RankingEvaluator}) and the
 * scores of a candidates column. {@link #recommendForAllUsers} and {@link #recommendForUserSubset} score the
 * histories seen at fit time. Scoring runs in {@code mapPartitions} from a broadcast copy of the weights, one
 * scorer per concurrently running task of an executor JVM, a batch at a time.
 */
public final class SASRecModel extends Model<SASRecModel> implements ScoringParams<SASRecModel>, MLWritable {

    private static final long serialVersionUID = 1L;
    /** Version of the saved layout. */
    public static final int FORMAT_VERSION = 1;

    private final String uid;
    private final transient NetworkBroadcast broadcast;
    private final ItemVocabulary vocabulary;
    private final transient Dataset<Row> histories;
    private final TrainingSummary summary;
    private transient SasRecNetwork network;

    SASRecModel(String uid, SasRecNetwork network, ItemVocabulary vocabulary, Dataset<Row> histories, TrainingSummary summary) {
        this(uid, network, new NetworkBroadcast(NetworkState.of(uid + "@" + System.identityHashCode(network), network)),
                vocabulary, histories, summary);
    }

    private SASRecModel(String uid, SasRecNetwork network, NetworkBroadcast broadcast, ItemVocabulary vocabulary,
                        Dataset<Row> histories, TrainingSummary summary) {
        this.uid = uid;
        this.network = network;
        this.broadcast = broadcast;
        this.vocabulary = vocabulary;
        this.histories = histories;
        this.summary = summary;
        DefaultedParams.initialise(this);
    }

    /**
     * A model around a network trained elsewhere (for example by the engine's own trainer), with no kept histories
     * or summary; {@code vocabulary} decodes indices to raw ids and may be null.
     */
    public static SASRecModel fromNetwork(SasRecNetwork network, ItemVocabulary vocabulary) {
        return new SASRecModel(org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("sasrec"), network, vocabulary, null, null);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The trained network (engine form). */
    public synchronized SasRecNetwork network() {
        if (network == null) {
            network = broadcast.state().network();
        }
        return network;
    }

    /** The item vocabulary recommendations are decoded with; absent when training data carried none. */
    public java.util.Optional<ItemVocabulary> vocabulary() {
        return java.util.Optional.ofNullable(vocabulary);
    }

    /** What training did; absent for a model built without training. */
    public java.util.Optional<TrainingSummary> summary() {
        return java.util.Optional.ofNullable(summary);
    }

    /** The histories kept at fit time (user column and item indices), if the training data had a user column. */
    public java.util.Optional<Dataset<Row>> userHistories() {
        return java.util.Optional.ofNullable(histories);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Columns.intArray(schema, getItemsCol());
        StructType out = schema;
        DataType itemType = vocabulary == null ? DataTypes.IntegerType : vocabulary.type();
        StructType rec = new StructType().add("item", itemType, false).add("score", DataTypes.FloatType, false);
        if (getExplorationTemperature() > 0) {
            rec = rec.add("propensity", DataTypes.DoubleType, false);
        }
        if (!getEventTimeCol().isEmpty()) {
            DataType time = Columns.existing(schema, getEventTimeCol()).dataType();
            if (!time.equals(DataTypes.TimestampType) && !time.equals(DataTypes.LongType)) {
                throw new IllegalArgumentException("column " + getEventTimeCol() + ": type " + time.simpleString()
                        + ", expected timestamp or long event times");
            }
        }
        Columns.requireAbsent(out, getRecommendationsCol());
        out = out.add(getRecommendationsCol(), new ArrayType(rec, false), false);
        if (!getPredictionCol().isEmpty()) {
            Columns.requireAbsent(out, getPredictionCol());
            out = out.add(getPredictionCol(), new ArrayType(DataTypes.DoubleType, false), false);
        }
        if (!getCandidatesCol().isEmpty()) {
            Columns.intArray(schema, getCandidatesCol());
            Columns.requireAbsent(out, getCandidateScoresCol());
            out = out.add(getCandidateScoresCol(), new ArrayType(DataTypes.FloatType, false), true);
        }
        if (!getTargetCol().isEmpty()) {
            StructField target = Columns.existing(schema, getTargetCol());
            if (!target.dataType().equals(DataTypes.IntegerType)) {
                throw new IllegalArgumentException("column " + target.name() + ": type " + target.dataType().simpleString()
                        + ", expected int item indices");
            }
            Columns.requireAbsent(out, getFullRankCol());
            out = out.add(getFullRankCol(), DataTypes.IntegerType, true);
            Columns.requireAbsent(out, getSampledRankCol());
            out = out.add(getSampledRankCol(), DataTypes.IntegerType, true);
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        StructType in = dataset.schema();
        String candidates = getCandidatesCol();
        String target = getTargetCol();
        String time = getEventTimeCol();
        PartitionScorer.Plan plan = new PartitionScorer.Plan(
                in.fieldIndex(getItemsCol()),
                candidates.isEmpty() ? -1 : in.fieldIndex(candidates),
                target.isEmpty() ? -1 : in.fieldIndex(target),
                getK(), getExcludeSeen(), getColdStartStrategy().equals("popular"),
                !getPredictionCol().isEmpty(), getScoringBatchSize(), getItemsCol(), candidates,
                target, network().config().seed(),
                new PartitionScorer.Exploration(getExplorationTemperature(),
                        Arrays.asList(in.fieldNames()).indexOf(getUserCol()),
                        time.isEmpty() ? -1 : in.fieldIndex(time)));
        Broadcast<NetworkState> bc = broadcast.in(dataset.sparkSession().sparkContext());
        return dataset.toDF().mapPartitions(new PartitionScorer(bc, vocabulary, plan), Encoders.row(out));
    }

    /** The top {@code k} items for every user whose history was kept at fit time: user and recommendations columns. */
    public Dataset<Row> recommendForAllUsers(int k) {
        Dataset<Row> h = requireHistories();
        return copy(ParamMap.empty()).setK(k).setPredictionCol("").setCandidatesCol("").setTargetCol("").transform(h)
                .select(col(getUserCol()), col(getRecommendationsCol()));
    }

    /** The top {@code k} items for the users in {@code dataset}'s user column, from their kept histories. */
    public Dataset<Row> recommendForUserSubset(Dataset<?> dataset, int k) {
        Dataset<Row> h = requireHistories();
        String user = getUserCol();
        Columns.existing(dataset.schema(), user);
        Dataset<Row> subset = h.join(dataset.select(user).distinct(), h.col(user).equalTo(dataset.col(user)), "left_semi");
        return copy(ParamMap.empty()).setK(k).setPredictionCol("").setCandidatesCol("").setTargetCol("").transform(subset)
                .select(col(user), col(getRecommendationsCol()));
    }

    private Dataset<Row> requireHistories() {
        if (histories == null) {
            throw new IllegalStateException("this model kept no user histories (the training data had no column "
                    + getUserCol() + "); use transform on a dataset of histories instead");
        }
        return histories;
    }

    /**
     * Removes the network's broadcast from the executors (shared with this model's copies), as when this model is
     * replaced by a newer one; a later scoring call broadcasts it again.
     */
    public SASRecModel unpersist() {
        broadcast.destroy();
        return this;
    }

    @Override
    public SASRecModel copy(ParamMap extra) {
        SASRecModel copied = new SASRecModel(uid, network(), broadcast, vocabulary, histories, summary);
        return copyValues(copied, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Reader for saved models. */
    public static MLReader<SASRecModel> read() {
        return new Reader();
    }

    /** Loads a model saved with {@link #write()}. */
    public static SASRecModel load(String path) {
        return read().load(path);
    }

    /**
     * Saved layout, version 1, through Hadoop's FileSystem (file://, hdfs://, s3a://):
     * {@code metadata/} (Spark params), {@code FORMAT} ("sasrec-spark-model 1"), {@code network.sasrec} (engine
     * checkpoint), {@code vocabulary/} (Parquet: index, item), {@code histories/} (Parquet) and
     * {@code summary/} (Parquet: one row per epoch, and dropped rows) when present.
     */
    private static final class Writer extends MLWriter {
        private final SASRecModel model;

        Writer(SASRecModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            SparkSession spark = sparkSession();
            DefaultParamsWriter.saveMetadata(model, path, spark);
            try {
                FileSystem fs = new Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration());
                try (FSDataOutputStream out = fs.create(new Path(path, "FORMAT"), true)) {
                    out.write(("sasrec-spark-model " + FORMAT_VERSION + "\n").getBytes(StandardCharsets.UTF_8));
                }
                try (FSDataOutputStream out = fs.create(new Path(path, "network.sasrec"), true)) {
                    Checkpoint.write(model.network(), out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write SASRec model to " + path, e);
            }
            if (model.vocabulary != null) {
                model.vocabulary.write(spark, path + "/vocabulary");
            }
            if (model.histories != null) {
                model.histories.write().parquet(path + "/histories");
            }
            if (model.summary != null) {
                SummaryIO.write(spark, model.summary, path + "/summary");
            }
        }
    }

    private static final class Reader extends MLReader<SASRecModel> {
        @Override
        public SASRecModel load(String path) {
            SparkSession spark = sparkSession();
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, spark, SASRecModel.class.getName());
            SasRecNetwork network;
            boolean hasVocabulary;
            boolean hasHistories;
            boolean hasSummary;
            try {
                FileSystem fs = new Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration());
                String format;
                try (FSDataInputStream in = fs.open(new Path(path, "FORMAT"))) {
                    format = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                }
                if (!format.equals("sasrec-spark-model " + FORMAT_VERSION)) {
                    throw new IllegalArgumentException(path + " holds '" + format + "', this library reads sasrec-spark-model "
                            + FORMAT_VERSION);
                }
                try (FSDataInputStream in = fs.open(new Path(path, "network.sasrec"))) {
                    network = Checkpoint.read(in, path + "/network.sasrec");
                }
                hasVocabulary = fs.exists(new Path(path, "vocabulary"));
                hasHistories = fs.exists(new Path(path, "histories"));
                hasSummary = fs.exists(new Path(path, "summary"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read SASRec model from " + path + ": " + e.getMessage(), e);
            }
            ItemVocabulary vocabulary = hasVocabulary ? ItemVocabulary.read(spark, path + "/vocabulary") : null;
            Dataset<Row> histories = hasHistories ? spark.read().parquet(path + "/histories") : null;
            TrainingSummary summary = hasSummary ? SummaryIO.read(spark, path + "/summary") : null;
            SASRecModel model = new SASRecModel(metadata.uid(), network, vocabulary, histories, summary);
            metadata.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }

    @Override
    public String toString() {
        return "SASRecModel(" + uid + ", " + network().numItems() + " items, " + Arrays.toString(new int[]{
                network().config().hiddenUnits(), network().config().maxLen()}) + " d/n)";
    }
}
