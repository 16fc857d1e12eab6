package dev.sasrec.spark.sessions;

import dev.sasrec.spark.params.DefaultedParams;
import dev.sasrec.spark.params.EventParams;
import dev.sasrec.spark.schema.Columns;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

/**
 * Turns an interaction log (one row per event: user, item, event time) into time-ordered item sequences: one row
 * per user, or per session when {@link #sessionGapSeconds()} is set.
 *
 * <p>Events are ordered by time, ties broken by item id, so the output does not depend on the input's order or
 * partitioning. Optionally a session ends after an inactivity gap, and consecutive repeats of an item are
 * dropped. Everything runs as Spark SQL aggregations; nothing is collected to the driver.
 *
 * <p>Output columns: the user column, the session column (0-based per user; only when sessions are split), and
 * {@link #outputCol()}, an array of the item column's type.
 */
public final class Sessionizer extends Transformer implements EventParams<Sessionizer>, DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    /** Reason named by {@link #invalidEvents} for a null or empty user. */
    public static final String USER_INVALID = "user null or empty";
    /** Reason named by {@link #invalidEvents} for a null or empty item. */
    public static final String ITEM_INVALID = "item null or empty";
    /** Reason named by {@link #invalidEvents} for a null, negative, NaN or infinite time. */
    public static final String TIME_INVALID = "time null, negative or not finite";

    private final String uid;

    /** A sessionizer with a random uid. */
    public Sessionizer() {
        this(Identifiable$.MODULE$.randomUID("sessionizer"));
    }

    /** A sessionizer with the given uid. */
    public Sessionizer(String uid) {
        this.uid = uid;
        DefaultedParams.initialise(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return inactivity gap in seconds that starts a new session, 0 for none param */
    public LongParam sessionGapSeconds() {
        return DefaultedParams.atLeast(this, "sessionGapSeconds",
                "start a new session after this many seconds without events; 0 keeps one sequence per user", 0L, 0L);
    }
    /** @return inactivity gap in seconds that starts a new session, 0 for none */
    public long getSessionGapSeconds() { return (Long) getOrDefault(sessionGapSeconds()); }
    /** @param v inactivity gap in seconds that starts a new session, 0 for none */
    public Sessionizer setSessionGapSeconds(long v) { set(sessionGapSeconds(), v); return this; }

    /** @return whether consecutive repeats are dropped param */
    public BooleanParam dropRepeats() {
        return DefaultedParams.flag(this, "dropRepeats",
                "drop an event whose item equals the previous event's item in the same sequence", false);
    }
    /** @return whether consecutive repeats are dropped */
    public boolean getDropRepeats() { return (Boolean) getOrDefault(dropRepeats()); }
    /** @param v whether consecutive repeats are dropped */
    public Sessionizer setDropRepeats(boolean v) { set(dropRepeats(), v); return this; }

    /** @return session index column param */
    public Param<String> sessionCol() {
        return DefaultedParams.string(this, "sessionCol",
                "output column of the 0-based session index", "session");
    }
    /** @return session index column */
    public String getSessionCol() { return getOrDefault(sessionCol()); }
    /** @param v session index column */
    public Sessionizer setSessionCol(String v) { set(sessionCol(), v); return this; }

    /** @return output column param */
    public Param<String> outputCol() {
        return DefaultedParams.string(this, "outputCol",
                "output column of the time-ordered items", "items");
    }
    /** @return output column */
    public String getOutputCol() { return getOrDefault(outputCol()); }
    /** @param v output column */
    public Sessionizer setOutputCol(String v) { set(outputCol(), v); return this; }

    /** @return invalid-event handling: error or skip param */
    public Param<String> handleInvalid() {
        return DefaultedParams.choice(this, "handleInvalid",
                "events with a null or empty user or item, or a null, negative or non-finite time: error (fail, "
                        + "naming the column and the value) or skip (invalidEvents counts them)", "error", "error", "skip");
    }
    /** @return invalid-event handling: error or skip */
    public String getHandleInvalid() { return getOrDefault(handleInvalid()); }
    /** @param v invalid-event handling: error or skip */
    public Sessionizer setHandleInvalid(String v) { set(handleInvalid(), v); return this; }

    private boolean splitsSessions() {
        return getSessionGapSeconds() > 0;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        StructField user = Columns.existing(schema, getUserCol());
        StructField item = Columns.existing(schema, getItemCol());
        StructField time = Columns.existing(schema, getTimeCol());
        if (!(time.dataType() instanceof NumericType) && !time.dataType().equals(DataTypes.TimestampType)
                && !time.dataType().equals(DataTypes.TimestampNTZType)) {
            throw new IllegalArgumentException("column " + getTimeCol() + ": type " + time.dataType().simpleString()
                    + ", expected a timestamp or a number of " + getTimeUnit() + " since the epoch");
        }
        List<StructField> out = new ArrayList<>();
        out.add(user);
        if (splitsSessions()) {
            out.add(DataTypes.createStructField(getSessionCol(), DataTypes.IntegerType, false));
        }
        out.add(DataTypes.createStructField(getOutputCol(), new ArrayType(item.dataType(), false), false));
        return DataTypes.createStructType(out);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        String user = getUserCol();
        String item = getItemCol();
        Dataset<Row> events = validEvents(dataset).select(col(user), col(item), seconds(dataset.schema()).as("__t"));

        List<Column> keys = new ArrayList<>();
        keys.add(col(user));
        if (splitsSessions() || getDropRepeats()) {
            WindowSpec byTime = Window.partitionBy(col(user)).orderBy(col("__t"), col(item));
            if (splitsSessions()) {
                Column gap = col("__t").minus(lag(col("__t"), 1).over(byTime));
                Column starts = when(gap.isNull().or(gap.gt((double) getSessionGapSeconds())), 1).otherwise(0);
                events = events.withColumn("__start", starts)
                        .withColumn(getSessionCol(), sum(col("__start")).over(byTime.rowsBetween(Window.unboundedPreceding(), Window.currentRow()))
                                .minus(1).cast("int"));
                keys.add(col(getSessionCol()));
            }
            if (getDropRepeats()) {
                WindowSpec inSequence = Window.partitionBy(keys.toArray(new Column[0])).orderBy(col("__t"), col(item));
                events = events.withColumn("__previous", lag(col(item), 1).over(inSequence))
                        .filter(col("__previous").isNull().or(col("__previous").notEqual(col(item))));
            }
        }
        Dataset<Row> grouped = events.groupBy(keys.toArray(new Column[0]))
                .agg(array_sort(collect_list(struct(col("__t"), col(item).as("item")))).as("__events"));
        List<Column> out = new ArrayList<>(keys);
        out.add(org.apache.spark.sql.functions.transform(col("__events"), e -> e.getField("item")).as(getOutputCol()));
        return grouped.select(out.toArray(new Column[0]));
    }

    /**
     * The rows of {@code dataset} that {@link #transform} sessionizes, all columns kept: under
     * {@code handleInvalid = skip} the invalid events are left out; under {@code error} an invalid event fails the
     * job that reads the result, naming the column and the value. A pipeline that filters events before
     * sessionizing them runs this first, so that no invalid event is silently removed by the filter.
     */
    public Dataset<Row> validEvents(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Column reason = invalidReason(dataset.schema());
        if (getHandleInvalid().equals("skip")) {
            return dataset.toDF().filter(reason.isNull());
        }
        Column message = concat(lit("Sessionizer: invalid event: "), reason, lit("; set handleInvalid=skip to drop such events"));
        // A filter predicate is always evaluated; an unused column with the check could be pruned away.
        return dataset.toDF().filter(when(reason.isNotNull(), raise_error(message).cast("boolean")).otherwise(lit(true)));
    }

    /**
     * Counts the events that {@code handleInvalid = skip} drops, by reason: {@link #USER_INVALID},
     * {@link #ITEM_INVALID}, {@link #TIME_INVALID}; reasons with no event are left out. Runs one aggregation; use it
     * to report what a skipping run dropped.
     */
    public java.util.Map<String, Long> invalidEvents(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        StructType schema = dataset.schema();
        Column kind = when(Columns.blank(schema, getUserCol()), lit(USER_INVALID))
                .when(Columns.blank(schema, getItemCol()), lit(ITEM_INVALID))
                .when(badTime(schema), lit(TIME_INVALID));
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        for (Row r : dataset.select(kind.as("kind")).filter(col("kind").isNotNull()).groupBy("kind").count().collectAsList()) {
            counts.put(r.getString(0), r.getLong(1));
        }
        return counts;
    }

    /** The event time in seconds since the epoch, as a double. */
    private Column seconds(StructType schema) {
        Column t = col(getTimeCol());
        if (schema.apply(getTimeCol()).dataType() instanceof NumericType) {
            return getTimeUnit().equals("milliseconds") ? t.cast("double").divide(1000.0) : t.cast("double");
        }
        return unix_micros(t.cast("timestamp")).cast("double").divide(1e6);
    }

    /** Null when the event is valid, otherwise what is wrong with it, naming the column and the value. */
    private Column invalidReason(StructType schema) {
        String expectedTime = ", expected a timestamp or a non-negative, finite number of " + getTimeUnit() + " since the epoch";
        return when(Columns.blank(schema, getUserCol()), lit("column " + getUserCol() + " is null or empty"))
                .when(Columns.blank(schema, getItemCol()), lit("column " + getItemCol() + " is null or empty"))
                .when(badTime(schema), concat(lit("column " + getTimeCol() + " has value "),
                        coalesce(col(getTimeCol()).cast("string"), lit("null")), lit(expectedTime)));
    }

    /** Null, NaN, negative or infinite. */
    private Column badTime(StructType schema) {
        Column t = seconds(schema);
        return t.isNull().or(t.isNaN()).or(t.lt(0)).or(t.equalTo(lit(Double.POSITIVE_INFINITY)));
    }

    @Override
    public Sessionizer copy(ParamMap extra) { return defaultCopy(extra); }

    /** Reader of saved sessionizers ({@code Pipeline} loading calls it). */
    public static MLReader<Sessionizer> read() { return new DefaultParamsReader<>(); }
    /** Loads a sessionizer saved with {@code write()}. */
    public static Sessionizer load(String path) { return read().load(path); }
}
