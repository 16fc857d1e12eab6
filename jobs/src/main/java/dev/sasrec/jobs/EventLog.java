package dev.sasrec.jobs;

import com.typesafe.config.Config;
import dev.sasrec.engine.data.SyntheticLog;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_to_timestamp;

/**
 * Reads the raw interaction log that {@code sasrec.input} describes into three columns named {@code user},
 * {@code item} and {@code timestamp}, the Sessionizer's defaults; with {@link #timeUnit()} saying how to read a
 * numeric time. String times are parsed with the configured pattern, and a value that does not parse stops the job
 * with the column, the value and the pattern.
 */
final class EventLog {

    static final String USER = "user";
    static final String ITEM = "item";
    static final String TIME = "timestamp";

    private final Config input;

    EventLog(Config sasrec) {
        this.input = sasrec.getConfig("input");
    }

    /** The Sessionizer's {@code timeUnit} for this log. */
    String timeUnit() {
        return input.getString("time-format").equals("milliseconds") ? "milliseconds" : "seconds";
    }

    /** A short description for logs and metrics, e.g. {@code csv file:/data/events.csv}. */
    String describe() {
        String format = input.getString("format");
        return format.equals("generated") ? "generated log (" + input.getConfig("generated").root().render(
                com.typesafe.config.ConfigRenderOptions.concise()) + ")" : format + " " + input.getString("path");
    }

    Dataset<Row> read(SparkSession spark) {
        String format = input.getString("format").toLowerCase(Locale.ROOT);
        if (format.equals("generated")) {
            return generated(spark, input.getConfig("generated"));
        }
        String path = input.getString("path");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("configuration key sasrec.input.path is empty; set it to the interaction log, "
                    + "or set sasrec.input.format = generated");
        }
        Dataset<Row> raw = switch (format) {
            case "csv", "tsv" -> spark.read().option("header", input.getBoolean("header"))
                    .option("sep", format.equals("tsv") ? "\t" : ",").option("inferSchema", "true").csv(path);
            case "parquet" -> spark.read().parquet(path);
            case "json" -> spark.read().json(path);
            default -> throw new IllegalArgumentException("configuration key sasrec.input.format: value " + format
                    + ", expected csv, tsv, parquet, json or generated");
        };
        String user = input.getString("user-col");
        String item = input.getString("item-col");
        String time = input.getString("time-col");
        List<String> columns = Arrays.asList(raw.columns());
        for (String[] c : new String[][]{{"user-col", user}, {"item-col", item}, {"time-col", time}}) {
            if (!columns.contains(c[1])) {
                throw new IllegalArgumentException("input " + path + " has no column " + c[1] + " (sasrec.input." + c[0]
                        + "); its columns are " + columns);
            }
        }
        return raw.select(col(user).as(USER), col(item).as(ITEM), parseTime(raw, time).as(TIME));
    }

    /**
     * The time column as the Sessionizer reads it: numbers and timestamps as they are, text parsed as the
     * configured {@code time-format} says. Text that does not parse fails here, naming the column, an example
     * value and how many rows cannot be parsed.
     */
    private Column parseTime(Dataset<Row> raw, String time) {
        String format = input.getString("time-format");
        boolean text = raw.schema().apply(time).dataType().equals(DataTypes.StringType);
        Column parsed;
        switch (format) {
            case "seconds", "milliseconds" -> {
                if (!text) {
                    return col(time);
                }
                parsed = col(time).try_cast(DataTypes.DoubleType);
            }
            case "timestamp" -> {
                if (!text) {
                    return col(time);
                }
                parsed = col(time).try_cast(DataTypes.TimestampType);
            }
            default -> {
                parsed = try_to_timestamp(col(time).cast(DataTypes.StringType), lit(format));
            }
        }
        Column unparsable = col(time).isNotNull().and(parsed.isNull());
        List<Row> bad = raw.filter(unparsable).select(col(time)).limit(1).collectAsList();
        if (!bad.isEmpty()) {
            long count = raw.filter(unparsable).count();
            long rows = raw.count();
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "column %s: %,d of %,d rows cannot be parsed as %s (sasrec.input.time-format = %s), for example "
                            + "value '%s'; fix or remove those rows, or set sasrec.input.time-format to what the "
                            + "column holds (seconds, milliseconds, timestamp or a date-time pattern)",
                    time, count, rows, expected(format), format, bad.get(0).get(0)));
        }
        return parsed;
    }

    /** What a time of {@code sasrec.input.time-format} {@code format} looks like, for error messages. */
    static String expected(String format) {
        return switch (format) {
            case "seconds", "milliseconds" -> "a number of " + format + " since the epoch";
            case "timestamp" -> "a timestamp";
            default -> "a time of the pattern '" + format + "'";
        };
    }

    /** The generated log that {@code sasrec.input.generated} describes. */
    static Dataset<Row> generated(SparkSession spark, Config g) {
        return SampleLog.generate(spark, shape(g), g.getLong("seed"));
    }

    /** The shape of the log {@code sasrec.input.generated} describes; an invalid value names the section and field. */
    static SyntheticLog shape(Config g) {
        try {
            return new SyntheticLog(g.getInt("users"), g.getInt("items"), g.getInt("min-length"),
                    g.getInt("max-length"), g.getDouble("rule-strength"), g.getDouble("taste-strength"),
                    g.getInt("tastes"), g.getDouble("popularity-exponent"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration section " + JobConfig.ROOT + ".input.generated: "
                    + e.getMessage(), e);
        }
    }
}
