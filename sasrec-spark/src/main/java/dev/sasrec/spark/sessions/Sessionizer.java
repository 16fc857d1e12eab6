package dev.sasrec.spark.sessions;

import dev.sasrec.spark.schema.Columns;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
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
import static org.apache.spark.sql.functions.trim;
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
public final class Sessionizer extends Transformer implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    /** Reason named by {@link #invalidEvents} for a null or empty user. */
    public static final String USER_INVALID = "user null or empty";
    /** Reason named by {@link #invalidEvents} for a null or empty item. */
    public static final String ITEM_INVALID = "item null or empty";
    /** Reason named by {@link #invalidEvents} for a null, negative, NaN or infinite time. */
    public static final String TIME_INVALID = "time null, negative or not finite";

    private final String uid;
    private final Param<String> userCol;
    private final Param<String> itemCol;
    private final Param<String> timeCol;
    private final Param<String> timeUnit;
    private final LongParam sessionGapSeconds;
    private final BooleanParam dropRepeats;
    private final Param<String> sessionCol;
    private final Param<String> outputCol;
    private final Param<String> handleInvalid;

    /** A sessionizer with a random uid. */
    public Sessionizer() {
        this(Identifiable$.MODULE$.randomUID("sessionizer"));
    }

    /** A sessionizer with the given uid. */
    public Sessionizer(String uid) {
        this.uid = uid;
        userCol = new Param<>(this, "userCol", "user id column (any type); default user");
        itemCol = new Param<>(this, "itemCol", "item id column (any orderable type); default item");
        timeCol = new Param<>(this, "timeCol",
                "event time column: timestamp, or a number in timeUnit since the epoch; default timestamp");
        timeUnit = new Param<>(this, "timeUnit",
                "unit of a numeric time column: seconds or milliseconds; default seconds",
                ParamValidators.inArray(new String[]{"seconds", "milliseconds"}));
        sessionGapSeconds = new LongParam(this, "sessionGapSeconds",
                "start a new session after this many seconds without events; 0 keeps one sequence per user (>= 0); default 0",
                ParamValidators.gtEq(0));
        dropRepeats = new BooleanParam(this, "dropRepeats",
                "drop an event whose item equals the previous event's item in the same sequence; default false");
        sessionCol = new Param<>(this, "sessionCol", "output column of the 0-based session index; default session");
        outputCol = new Param<>(this, "outputCol", "output column of the time-ordered items; default items");
        handleInvalid = new Param<>(this, "handleInvalid",
                "events with a null or empty user or item, or a null, negative or non-finite time: error (fail, naming the "
                        + "column and the value) or skip (invalidEvents counts them); default error",
                ParamValidators.inArray(new String[]{"error", "skip"}));
        setDefault(userCol, "user");
        setDefault(itemCol, "item");
        setDefault(timeCol, "timestamp");
        setDefault(timeUnit, "seconds");
        setDefault(sessionGapSeconds, 0L);
        setDefault(dropRepeats, false);
        setDefault(sessionCol, "session");
        setDefault(outputCol, "items");
        setDefault(handleInvalid, "error");
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return the user id column param */
    public Param<String> userCol() { return userCol; }
    /** @return the item id column param */
    public Param<String> itemCol() { return itemCol; }
    /** @return the event time column param */
    public Param<String> timeCol() { return timeCol; }
    /** @return the numeric time unit param */
    public Param<String> timeUnit() { return timeUnit; }
    /** @return the session gap param */
    public LongParam sessionGapSeconds() { return sessionGapSeconds; }
    /** @return the drop-repeats param */
    public BooleanParam dropRepeats() { return dropRepeats; }
    /** @return the session index column param */
    public Param<String> sessionCol() { return sessionCol; }
    /** @return the output column param */
    public Param<String> outputCol() { return outputCol; }
    /** @return the invalid-event handling param */
    public Param<String> handleInvalid() { return handleInvalid; }

    /** @param v user id column */
    public Sessionizer setUserCol(String v) { set(userCol, v); return this; }
    /** @param v item id column */
    public Sessionizer setItemCol(String v) { set(itemCol, v); return this; }
    /** @param v event time column */
    public Sessionizer setTimeCol(String v) { set(timeCol, v); return this; }
    /** @param v seconds or milliseconds */
    public Sessionizer setTimeUnit(String v) { set(timeUnit, v); return this; }
    /** @param v inactivity gap in seconds; 0 for no split */
    public Sessionizer setSessionGapSeconds(long v) { set(sessionGapSeconds, v); return this; }
    /** @param v drop consecutive repeats */
    public Sessionizer setDropRepeats(boolean v) { set(dropRepeats, v); return this; }
    /** @param v session index column */
    public Sessionizer setSessionCol(String v) { set(sessionCol, v); return this; }
    /** @param v output column */
    public Sessionizer setOutputCol(String v) { set(outputCol, v); return this; }
    /** @param v error or skip */
    public Sessionizer setHandleInvalid(String v) { set(handleInvalid, v); return this; }

    private boolean splitsSessions() {
        return (Long) $(sessionGapSeconds) > 0;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        StructField user = Columns.existing(schema, $(userCol));
        StructField item = Columns.existing(schema, $(itemCol));
        StructField time = Columns.existing(schema, $(timeCol));
        if (!(time.dataType() instanceof NumericType) && !time.dataType().equals(DataTypes.TimestampType)
                && !time.dataType().equals(DataTypes.TimestampNTZType)) {
            throw new IllegalArgumentException("column " + $(timeCol) + ": type " + time.dataType().simpleString()
                    + ", expected a timestamp or a number of " + $(timeUnit) + " since the epoch");
        }
        List<StructField> out = new ArrayList<>();
        out.add(user);
        if (splitsSessions()) {
            out.add(DataTypes.createStructField($(sessionCol), DataTypes.IntegerType, false));
        }
        out.add(DataTypes.createStructField($(outputCol), new ArrayType(item.dataType(), false), false));
        return DataTypes.createStructType(out);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        String user = $(userCol);
        String item = $(itemCol);
        Dataset<Row> events = validEvents(dataset).select(col(user), col(item), seconds(dataset.schema()).as("__t"));

        List<Column> keys = new ArrayList<>();
        keys.add(col(user));
        if (splitsSessions() || (Boolean) $(dropRepeats)) {
            WindowSpec byTime = Window.partitionBy(col(user)).orderBy(col("__t"), col(item));
            if (splitsSessions()) {
                Column gap = col("__t").minus(lag(col("__t"), 1).over(byTime));
                Column starts = when(gap.isNull().or(gap.gt((double) (Long) $(sessionGapSeconds))), 1).otherwise(0);
                events = events.withColumn("__start", starts)
                        .withColumn($(sessionCol), sum(col("__start")).over(byTime.rowsBetween(Window.unboundedPreceding(), Window.currentRow()))
                                .minus(1).cast("int"));
                keys.add(col($(sessionCol)));
            }
            if ((Boolean) $(dropRepeats)) {
                WindowSpec inSequence = Window.partitionBy(keys.toArray(new Column[0])).orderBy(col("__t"), col(item));
                events = events.withColumn("__previous", lag(col(item), 1).over(inSequence))
                        .filter(col("__previous").isNull().or(col("__previous").notEqual(col(item))));
            }
        }
        Dataset<Row> grouped = events.groupBy(keys.toArray(new Column[0]))
                .agg(array_sort(collect_list(struct(col("__t"), col(item).as("item")))).as("__events"));
        List<Column> out = new ArrayList<>(keys);
        out.add(org.apache.spark.sql.functions.transform(col("__events"), e -> e.getField("item")).as($(outputCol)));
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
        if ($(handleInvalid).equals("skip")) {
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
        Column kind = when(blank($(userCol), schema), lit(USER_INVALID))
                .when(blank($(itemCol), schema), lit(ITEM_INVALID))
                .when(badTime(schema), lit(TIME_INVALID));
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        for (Row r : dataset.select(kind.as("kind")).filter(col("kind").isNotNull()).groupBy("kind").count().collectAsList()) {
            counts.put(r.getString(0), r.getLong(1));
        }
        return counts;
    }

    /** The event time in seconds since the epoch, as a double. */
    private Column seconds(StructType schema) {
        Column t = col($(timeCol));
        if (schema.apply($(timeCol)).dataType() instanceof NumericType) {
            return $(timeUnit).equals("milliseconds") ? t.cast("double").divide(1000.0) : t.cast("double");
        }
        return unix_micros(t.cast("timestamp")).cast("double").divide(1e6);
    }

    /** Null when the event is valid, otherwise what is wrong with it, naming the column and the value. */
    private Column invalidReason(StructType schema) {
        String expectedTime = ", expected a timestamp or a non-negative, finite number of " + $(timeUnit) + " since the epoch";
        return when(blank($(userCol), schema), lit("column " + $(userCol) + " is null or empty"))
                .when(blank($(itemCol), schema), lit("column " + $(itemCol) + " is null or empty"))
                .when(badTime(schema), concat(lit("column " + $(timeCol) + " has value "),
                        coalesce(col($(timeCol)).cast("string"), lit("null")), lit(expectedTime)));
    }

    /** Null, or an empty or blank string. */
    private static Column blank(String column, StructType schema) {
        Column c = col(column);
        return schema.apply(column).dataType().equals(DataTypes.StringType) ? c.isNull().or(trim(c).equalTo("")) : c.isNull();
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
