package dev.sasrec.spark.stream;

import dev.sasrec.spark.index.ItemVocabulary;
import dev.sasrec.spark.params.DefaultedParams;
import dev.sasrec.spark.params.EventParams;
import dev.sasrec.spark.recommend.SASRecModel;
import dev.sasrec.spark.schema.Columns;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.KeyValueGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.TimeMode;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

/**
 * Real-time recommendations on a fitted {@link SASRecModel}: reads a stream of raw events (user, item, event time)
 * and, after every micro-batch, emits the refreshed recommendations of every user who had new events.
 *
 * <p>Per user, Spark's state store ({@code transformWithState}; RocksDB provider) keeps the last
 * {@link #historyLength()} items in raw ids in event-time order; events behind the watermark
 * ({@link #watermarkDelay()}) are dropped by Spark and counted in the query progress's state operator metrics
 * ({@code numRowsDroppedByWatermark}); a user inactive for {@link #stateTimeToLiveSeconds()} of event time is
 * forgotten once the watermark passes that point (an event-time timer). New users
 * start from their first event. Items the model does not know stay in the state (a later model may know them) but
 * are left out of scoring. Scoring is the model's own: its {@code k}, {@code excludeSeen}, {@code coldStartStrategy}
 * and {@code explorationTemperature} (seeded per model seed, user and triggering event time) apply. Within a
 * micro-batch, each partition scores its users oldest new event first ({@link OldestFirst}), a scoring batch at a
 * time, each batch leaving for the sink as soon as it is scored.
 *
 * <p>Output columns: the user column (its input type), the model's recommendations column, {@code historyLength}
 * (the items the model scored from) and {@code eventTime} (the latest new event's time). Events with a null or empty
 * user or item or a null time are left out ({@link #invalidEvents} returns them with their reason, for a dead-letter
 * sink). Counts per micro-batch appear in the query progress's observed metrics {@value #METRICS}: {@code events},
 * {@code invalidEvents}, {@code unknownItems} (valid events whose item the model does not know; a late event is not
 * counted there) and {@code refreshedUsers}.
 *
 * <p>The state holds raw ids only, so a new model (a nightly retrain) takes over a running stream's state: stop the
 * query and start it again with the new model and the same checkpoint location. The state can be seeded from batch
 * histories ({@link #transform(Dataset, Dataset)}).
 */
public final class StreamingRecommender extends Transformer implements EventParams<StreamingRecommender> {

    private static final long serialVersionUID = 1L;
    /** Name of the observed metrics in the streaming query's progress. */
    public static final String METRICS = "sasrec_stream";
    /** Name of the reason column of {@link #invalidEvents}. */
    public static final String REASON = "reason";
    private static final String STATE_STORE_PROVIDER = "spark.sql.streaming.stateStore.providerClass";
    private static final String ROCKSDB = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";

    private final String uid;
    private final SASRecModel model;

    /** A streaming recommender scoring with {@code model} (its scoring params apply). */
    public StreamingRecommender(SASRecModel model) {
        this(org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("sasrecStream"), model);
    }

    private StreamingRecommender(String uid, SASRecModel model) {
        this.uid = uid;
        this.model = model;
        DefaultedParams.initialise(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The model that scores. */
    public SASRecModel model() {
        return model;
    }

    /** @return watermark delay param */
    public Param<String> watermarkDelay() {
        return DefaultedParams.string(this, "watermarkDelay",
                "how late (in event time, behind the latest event seen) an event may arrive and still enter its "
                        + "user's history, as a Spark interval such as '10 minutes'", "10 minutes");
    }
    /** @return watermark delay */
    public String getWatermarkDelay() { return getOrDefault(watermarkDelay()); }
    /** @param v watermark delay */
    public StreamingRecommender setWatermarkDelay(String v) { set(watermarkDelay(), v); return this; }

    /** @return state time-to-live param */
    public LongParam stateTimeToLiveSeconds() {
        return DefaultedParams.atLeast(this, "stateTimeToLiveSeconds",
                "seconds of event time after a user's latest event when their state is dropped, once the watermark "
                        + "passes that point; 0 keeps it", 
                30L * 24 * 3600, 0L);
    }
    /** @return state time-to-live in seconds */
    public long getStateTimeToLiveSeconds() { return (Long) getOrDefault(stateTimeToLiveSeconds()); }
    /** @param v state time-to-live in seconds */
    public StreamingRecommender setStateTimeToLiveSeconds(long v) { set(stateTimeToLiveSeconds(), v); return this; }

    /** @return items kept per user param */
    public IntParam historyLength() {
        return DefaultedParams.atLeast(this, "historyLength",
                "items kept per user; 0 keeps the model's maximum sequence length n", 0, 0);
    }
    /** @return items kept per user, 0 for the model's n */
    public int getHistoryLength() { return (Integer) getOrDefault(historyLength()); }
    /** @param v items kept per user, 0 for the model's n */
    public StreamingRecommender setHistoryLength(int v) { set(historyLength(), v); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        StructField user = Columns.existing(schema, getUserCol());
        StructField item = Columns.existing(schema, getItemCol());
        if (!(item.dataType().equals(DataTypes.StringType) || isIntegral(item.dataType()))) {
            throw new IllegalArgumentException("column " + getItemCol() + ": type " + item.dataType().simpleString()
                    + ", expected string or integral raw item ids");
        }
        DataType time = Columns.existing(schema, getTimeCol()).dataType();
        if (!(time instanceof NumericType) && !time.equals(DataTypes.TimestampType)) {
            throw new IllegalArgumentException("column " + getTimeCol() + ": type " + time.simpleString()
                    + ", expected a timestamp or a number of " + getTimeUnit() + " since the epoch");
        }
        StructType scored = model.copy(ParamMap.empty()).setItemsCol("itemIndex").setPredictionCol("")
                .setCandidatesCol("").setTargetCol("").setEventTimeCol("")
                .transformSchema(new StructType().add("itemIndex", new ArrayType(DataTypes.IntegerType, false)));
        return new StructType().add(user.name(), user.dataType(), false)
                .add(scored.apply(model.getRecommendationsCol()))
                .add("historyLength", DataTypes.IntegerType, false)
                .add("eventTime", DataTypes.TimestampType, false);
    }

    /** The refreshed recommendations of {@code events} (a streaming or batch frame), starting from empty state. */
    @Override
    public Dataset<Row> transform(Dataset<?> events) {
        return refresh(events, null);
    }

    /**
     * As {@link #transform(Dataset)}, with each user's state first seeded from {@code histories}: one row per user,
     * the user column and an array column of raw item ids in time order named as {@link #itemCol()} (the
     * {@code Sessionizer}'s output with {@code outputCol} set so, without sessions). Seeded items sort before every
     * streamed event. The seed is read once, when the query starts without a checkpoint.
     */
    public Dataset<Row> transform(Dataset<?> events, Dataset<?> histories) {
        return refresh(events, histories);
    }

    /**
     * The events {@link #transform} leaves out (a null or empty user or item, or a null time), with a
     * {@value #REASON} column naming the column that is wrong; for a dead-letter sink.
     */
    public Dataset<Row> invalidEvents(Dataset<?> events) {
        transformSchema(events.schema());
        return events.toDF().withColumn(REASON, invalidReason(events.schema())).filter(col(REASON).isNotNull());
    }

    private Dataset<Row> refresh(Dataset<?> events, Dataset<?> histories) {
        StructType out = transformSchema(events.schema());
        SparkSession spark = events.sparkSession();
        if (events.isStreaming() && !ROCKSDB.equals(spark.conf().get(STATE_STORE_PROVIDER, ""))) {
            throw new IllegalStateException("StreamingRecommender keeps its state with transformWithState, which needs "
                    + STATE_STORE_PROVIDER + "=" + ROCKSDB + "; found '" + spark.conf().get(STATE_STORE_PROVIDER, "") + "'");
        }
        StructType schema = events.schema();
        Column reason = invalidReason(schema);
        Dataset<Row> valid = events.toDF()
                .observe(METRICS + "_input", count(lit(1)).as("events"),
                        coalesce(sum(when(reason.isNotNull(), 1).otherwise(0)), lit(0L)).as("invalidEvents"))
                .filter(reason.isNull())
                .select(col(getUserCol()).cast("string").as("user"), col(getItemCol()).cast("string").as("item"),
                        eventTime(schema).as("eventTime"))
                .withWatermark("eventTime", getWatermarkDelay());
        Dataset<Row> rows = valid.select(col("user"), col("item"), unix_millis(col("eventTime")).as("millis"), col("eventTime"));
        KeyValueGroupedDataset<String, Row> byUser = rows.groupByKey(
                (MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING());
        int n = getHistoryLength() > 0 ? getHistoryLength() : model.network().config().maxLen();
        Broadcast<Map<String, Integer>> indices = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(indices());
        RecentItemsProcessor processor = new RecentItemsProcessor(n, Duration.ofSeconds(getStateTimeToLiveSeconds()), indices);
        Dataset<Refresh> refreshed;
        if (histories == null) {
            refreshed = byUser.transformWithState(processor, TimeMode.EventTime(), OutputMode.Append(), Encoders.bean(Refresh.class));
        } else {
            refreshed = byUser.transformWithState(processor, TimeMode.EventTime(), OutputMode.Append(),
                    seeds(histories).groupByKey((MapFunction<SeedRow, String>) SeedRow::getUser, Encoders.STRING())
                            .mapValues((MapFunction<SeedRow, RecentItems>) SeedRow::toState, Encoders.bean(RecentItems.class)),
                    Encoders.bean(Refresh.class), Encoders.bean(RecentItems.class));
        }
        DataType userType = out.apply(getUserCol()).dataType();
        Dataset<Row> toScore = refreshed.mapPartitions(new OldestFirst(), Encoders.bean(Refresh.class)).toDF()
                .observe(METRICS, coalesce(sum(col("unknownItems")), lit(0L)).as("unknownItems"),
                        count(lit(1)).as("refreshedUsers"))
                .select(col("user").cast(userType).as(getUserCol()), col("itemIndex"), col("eventTime"));
        Dataset<Row> scored = model.copy(ParamMap.empty()).setUserCol(getUserCol()).setItemsCol("itemIndex")
                .setEventTimeCol("eventTime").setPredictionCol("").setCandidatesCol("").setTargetCol("")
                .transform(toScore);
        return scored.select(col(getUserCol()), col(model.getRecommendationsCol()),
                org.apache.spark.sql.functions.size(col("itemIndex")).as("historyLength"), col("eventTime"));
    }

    /** Raw item id (as text) to the model's index: the vocabulary's labels, or the indices themselves without one. */
    private Map<String, Integer> indices() {
        Map<String, Integer> map = new HashMap<>();
        java.util.Optional<ItemVocabulary> vocabulary = model.vocabulary();
        int n = model.network().numItems();
        for (int i = 1; i <= n; i++) {
            map.put(vocabulary.isPresent() ? vocabulary.get().labels()[i - 1] : Integer.toString(i), i);
        }
        return map;
    }

    private Dataset<SeedRow> seeds(Dataset<?> histories) {
        StructField items = Columns.existing(histories.schema(), getItemCol());
        Columns.existing(histories.schema(), getUserCol());
        if (!(items.dataType() instanceof ArrayType)) {
            throw new IllegalArgumentException("column " + getItemCol() + " of the seed histories: type "
                    + items.dataType().simpleString() + ", expected an array of raw item ids in time order");
        }
        return histories.toDF().select(col(getUserCol()).cast("string").as("user"),
                col(getItemCol()).cast("array<string>").as("items")).as(Encoders.bean(SeedRow.class));
    }

    private Column eventTime(StructType schema) {
        Column t = col(getTimeCol());
        if (schema.apply(getTimeCol()).dataType() instanceof NumericType) {
            return getTimeUnit().equals("milliseconds")
                    ? org.apache.spark.sql.functions.timestamp_millis(t.cast("long"))
                    : org.apache.spark.sql.functions.timestamp_seconds(t);
        }
        return t;
    }

    private Column invalidReason(StructType schema) {
        return when(Columns.blank(schema, getUserCol()), lit("column " + getUserCol() + " is null or empty"))
                .when(Columns.blank(schema, getItemCol()), lit("column " + getItemCol() + " is null or empty"))
                .when(col(getTimeCol()).isNull(), lit("column " + getTimeCol() + " is null"));
    }

    private static boolean isIntegral(DataType t) {
        return t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType) || t.equals(DataTypes.ShortType)
                || t.equals(DataTypes.ByteType);
    }

    @Override
    public StreamingRecommender copy(ParamMap extra) {
        return copyValues(new StreamingRecommender(uid, model), extra);
    }

    /** A seed history row (bean for the encoder). */
    public static final class SeedRow implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private String user;
        private List<String> items;

        /** For the bean encoder. */
        public SeedRow() {
        }

        /** @return the user id as text */
        public String getUser() { return user; }
        /** @param user the user id as text */
        public void setUser(String user) { this.user = user; }
        /** @return raw item ids in time order */
        public List<String> getItems() { return items; }
        /** @param items raw item ids in time order */
        public void setItems(List<String> items) { this.items = items; }

        /** The history as state: items without event times, sorting before every streamed event in their order. */
        RecentItems toState() {
            String[] raw = items == null ? new String[0] : items.stream().filter(java.util.Objects::nonNull).toArray(String[]::new);
            long[] times = new long[raw.length];
            for (int i = 0; i < raw.length; i++) {
                times[i] = Long.MIN_VALUE + i;
            }
            return new RecentItems(raw, times);
        }
    }
}
