package dev.sasrec.spark.recommend;

import dev.sasrec.engine.Checkpoint;
import dev.sasrec.engine.SasRecNetwork;
import dev.sasrec.spark.index.ItemVocabulary;
import dev.sasrec.spark.schema.Columns;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
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
 * {@code k} items in raw ids (history excluded unless {@code excludeSeen} is false); optionally
 * {@code predictionCol} (top-k indices as {@code array<double>}, for Spark's {@code RankingEvaluator}) and the
 * scores of a candidates column. {@link #recommendForAllUsers} and {@link #recommendForUserSubset} score the
 * histories seen at fit time. Scoring runs in {@code mapPartitions} from a broadcast copy of the weights, one
 * scorer per concurrently running task of an executor JVM, a batch at a time.
 */
public final class SASRecModel extends Model<SASRecModel> implements MLWritable {

    private static final long serialVersionUID = 1L;
    /** Version of the saved layout. */
    public static final int FORMAT_VERSION = 1;

    private final String uid;
    private final ScoringParams scoring;
    private final NetworkState state;
    private final ItemVocabulary vocabulary;
    private final transient Dataset<Row> histories;
    private final TrainingSummary summary;
    private transient SasRecNetwork network;

    SASRecModel(String uid, SasRecNetwork network, ItemVocabulary vocabulary, Dataset<Row> histories, TrainingSummary summary) {
        this.uid = uid;
        this.scoring = new ScoringParams(this);
        this.network = network;
        this.state = NetworkState.of(uid + "@" + System.identityHashCode(network), network);
        this.vocabulary = vocabulary;
        this.histories = histories;
        this.summary = summary;
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

    /** @return user id column param */
    public Param<String> userCol() { return scoring.userCol; }
    /** @return item-index history column param */
    public Param<String> itemsCol() { return scoring.itemsCol; }
    /** @return recommendations column param */
    public Param<String> recommendationsCol() { return scoring.recommendationsCol; }
    /** @return number of recommendations param */
    public IntParam k() { return scoring.k; }
    /** @return exclude-history param */
    public BooleanParam excludeSeen() { return scoring.excludeSeen; }
    /** @return cold-start strategy param */
    public Param<String> coldStartStrategy() { return scoring.coldStartStrategy; }
    /** @return ranking prediction column param */
    public Param<String> predictionCol() { return scoring.predictionCol; }
    /** @return candidates column param */
    public Param<String> candidatesCol() { return scoring.candidatesCol; }
    /** @return candidate scores column param */
    public Param<String> candidateScoresCol() { return scoring.candidateScoresCol; }
    /** @return scoring batch size param */
    public IntParam scoringBatchSize() { return scoring.scoringBatchSize; }
    /** @return evaluation target column param */
    public Param<String> targetCol() { return scoring.targetCol; }
    /** @return full-protocol rank column param */
    public Param<String> fullRankCol() { return scoring.fullRankCol; }
    /** @return sampled-protocol rank column param */
    public Param<String> sampledRankCol() { return scoring.sampledRankCol; }

    /** @param v user column */
    public SASRecModel setUserCol(String v) { set(scoring.userCol, v); return this; }
    /** @param v history column */
    public SASRecModel setItemsCol(String v) { set(scoring.itemsCol, v); return this; }
    /** @param v recommendations column */
    public SASRecModel setRecommendationsCol(String v) { set(scoring.recommendationsCol, v); return this; }
    /** @param v number of recommendations */
    public SASRecModel setK(int v) { set(scoring.k, v); return this; }
    /** @param v exclude the history */
    public SASRecModel setExcludeSeen(boolean v) { set(scoring.excludeSeen, v); return this; }
    /** @param v drop or popular */
    public SASRecModel setColdStartStrategy(String v) { set(scoring.coldStartStrategy, v); return this; }
    /** @param v prediction column, empty for none */
    public SASRecModel setPredictionCol(String v) { set(scoring.predictionCol, v); return this; }
    /** @param v candidates column, empty for none */
    public SASRecModel setCandidatesCol(String v) { set(scoring.candidatesCol, v); return this; }
    /** @param v candidate scores column */
    public SASRecModel setCandidateScoresCol(String v) { set(scoring.candidateScoresCol, v); return this; }
    /** @param v scoring batch size */
    public SASRecModel setScoringBatchSize(int v) { set(scoring.scoringBatchSize, v); return this; }
    /** @param v evaluation target column, empty for none */
    public SASRecModel setTargetCol(String v) { set(scoring.targetCol, v); return this; }
    /** @param v full-protocol rank column */
    public SASRecModel setFullRankCol(String v) { set(scoring.fullRankCol, v); return this; }
    /** @param v sampled-protocol rank column */
    public SASRecModel setSampledRankCol(String v) { set(scoring.sampledRankCol, v); return this; }

    /** The trained network (engine form). */
    public synchronized SasRecNetwork network() {
        if (network == null) {
            network = state.network();
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
        Columns.intArray(schema, $(scoring.itemsCol));
        StructType out = schema;
        DataType itemType = vocabulary == null ? DataTypes.IntegerType : vocabulary.type();
        StructType rec = new StructType().add("item", itemType, false).add("score", DataTypes.FloatType, false);
        Columns.requireAbsent(out, $(scoring.recommendationsCol));
        out = out.add($(scoring.recommendationsCol), new ArrayType(rec, false), false);
        if (!$(scoring.predictionCol).isEmpty()) {
            Columns.requireAbsent(out, $(scoring.predictionCol));
            out = out.add($(scoring.predictionCol), new ArrayType(DataTypes.DoubleType, false), false);
        }
        if (!$(scoring.candidatesCol).isEmpty()) {
            Columns.intArray(schema, $(scoring.candidatesCol));
            Columns.requireAbsent(out, $(scoring.candidateScoresCol));
            out = out.add($(scoring.candidateScoresCol), new ArrayType(DataTypes.FloatType, false), true);
        }
        if (!$(scoring.targetCol).isEmpty()) {
            StructField target = Columns.existing(schema, $(scoring.targetCol));
            if (!target.dataType().equals(DataTypes.IntegerType)) {
                throw new IllegalArgumentException("column " + target.name() + ": type " + target.dataType().simpleString()
                        + ", expected int item indices");
            }
            Columns.requireAbsent(out, $(scoring.fullRankCol));
            out = out.add($(scoring.fullRankCol), DataTypes.IntegerType, true);
            Columns.requireAbsent(out, $(scoring.sampledRankCol));
            out = out.add($(scoring.sampledRankCol), DataTypes.IntegerType, true);
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        StructType in = dataset.schema();
        String candidates = $(scoring.candidatesCol);
        String target = $(scoring.targetCol);
        PartitionScorer.Plan plan = new PartitionScorer.Plan(
                in.fieldIndex($(scoring.itemsCol)),
                candidates.isEmpty() ? -1 : in.fieldIndex(candidates),
                target.isEmpty() ? -1 : in.fieldIndex(target),
                (Integer) $(scoring.k), (Boolean) $(scoring.excludeSeen), $(scoring.coldStartStrategy).equals("popular"),
                !$(scoring.predictionCol).isEmpty(), (Integer) $(scoring.scoringBatchSize), $(scoring.itemsCol), candidates,
                target, network().config().seed());
        Broadcast<NetworkState> bc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()).broadcast(state);
        return dataset.toDF().mapPartitions(new PartitionScorer(bc, vocabulary, plan), Encoders.row(out));
    }

    /** The top {@code k} items for every user whose history was kept at fit time: user and recommendations columns. */
    public Dataset<Row> recommendForAllUsers(int k) {
        Dataset<Row> h = requireHistories();
        return copy(ParamMap.empty()).setK(k).setPredictionCol("").setCandidatesCol("").setTargetCol("").transform(h)
                .select(col($(scoring.userCol)), col($(scoring.recommendationsCol)));
    }

    /** The top {@code k} items for the users in {@code dataset}'s user column, from their kept histories. */
    public Dataset<Row> recommendForUserSubset(Dataset<?> dataset, int k) {
        Dataset<Row> h = requireHistories();
        String user = $(scoring.userCol);
        Columns.existing(dataset.schema(), user);
        Dataset<Row> subset = h.join(dataset.select(user).distinct(), h.col(user).equalTo(dataset.col(user)), "left_semi");
        return copy(ParamMap.empty()).setK(k).setPredictionCol("").setCandidatesCol("").setTargetCol("").transform(subset)
                .select(col(user), col($(scoring.recommendationsCol)));
    }

    private Dataset<Row> requireHistories() {
        if (histories == null) {
            throw new IllegalStateException("this model kept no user histories (the training data had no column "
                    + $(scoring.userCol) + "); use transform on a dataset of histories instead");
        }
        return histories;
    }

    @Override
    public SASRecModel copy(ParamMap extra) {
        SASRecModel copied = new SASRecModel(uid, network(), vocabulary, histories, summary);
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
