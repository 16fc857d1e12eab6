package dev.sasrec.jobs;

import com.typesafe.config.Config;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

/**
 * The {@code stream} command's events: records read from new files or a Kafka topic ({@code sasrec.stream}), each
 * one event as text, parsed into {@code user}, {@code item} (text) and {@code timestamp} (null where the time
 * cannot be read), with the record's text as {@code event} and {@code reason}: null for a valid event, otherwise
 * what is wrong with it, naming the column and the value, for the dead-letter output.
 */
final class EventStream {

    static final String EVENT = "event";
    static final String REASON = "reason";

    private final Config cfg;
    private final Config stream;

    EventStream(Config sasrec) {
        this.cfg = sasrec;
        this.stream = sasrec.getConfig("stream");
    }

    /** The parsed stream: event, user, item, timestamp, reason. */
    Dataset<Row> read(SparkSession spark) {
        String source = stream.getString("source").toLowerCase(Locale.ROOT);
        String format = stream.getString("format").toLowerCase(Locale.ROOT);
        return switch (source) {
            case "files" -> parse(files(spark), format);
            case "kafka" -> parse(kafka(spark), format);
            default -> throw new IllegalArgumentException("configuration key sasrec.stream.source: value " + source
                    + ", expected files or kafka");
        };
    }

    private Dataset<Row> files(SparkSession spark) {
        String path = stream.getString("path");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("configuration key sasrec.stream.path is empty; set it to the directory "
                    + "new event files arrive in, or set sasrec.stream.source = kafka");
        }
        DataStreamReader reader = spark.readStream();
        int maxFiles = stream.getInt("max-files-per-trigger");
        if (maxFiles > 0) {
            reader = reader.option("maxFilesPerTrigger", maxFiles);
        }
        return reader.text(path);
    }

    private Dataset<Row> kafka(SparkSession spark) {
        String servers = stream.getString("kafka.bootstrap-servers");
        String topic = stream.getString("kafka.topic");
        if (servers.isEmpty() || topic.isEmpty()) {
            throw new IllegalArgumentException("sasrec.stream.source = kafka needs sasrec.stream.kafka.bootstrap-servers "
                    + "and sasrec.stream.kafka.topic; found '" + servers + "' and '" + topic + "'");
        }
        return spark.readStream().format("kafka").option("kafka.bootstrap.servers", servers).option("subscribe", topic)
                .option("startingOffsets", stream.getString("kafka.starting-offsets"))
                .option("failOnDataLoss", "true").load()
                .select(col("value").cast(DataTypes.StringType).as("value"));
    }

    /** Records of one {@code value} text column to events; header lines of csv or tsv files are left out. */
    private Dataset<Row> parse(Dataset<Row> records, String format) {
        Config input = cfg.getConfig("input");
        String user = input.getString("user-col");
        String item = input.getString("item-col");
        String time = input.getString("time-col");
        StructType fields = new StructType().add(user, DataTypes.StringType).add(item, DataTypes.StringType)
                .add(time, DataTypes.StringType);
        Column parsed;
        Dataset<Row> lines = records;
        switch (format) {
            case "json" -> parsed = from_json(col("value"), fields, Map.of("mode", "PERMISSIVE"));
            case "csv", "tsv" -> {
                String sep = format.equals("tsv") ? "\t" : ",";
                if (input.getBoolean("header")) {
                    lines = lines.filter(trim(col("value")).notEqual(String.join(sep, user, item, time)));
                }
                parsed = from_csv(col("value"), lit(fields.toDDL()), Map.of("sep", sep, "mode", "PERMISSIVE"));
            }
            default -> throw new IllegalArgumentException("configuration key sasrec.stream.format: value " + format
                    + ", expected json, csv or tsv");
        }
        Dataset<Row> fieldsOf = lines.select(col("value").as(EVENT), parsed.as("f"));
        Column rawTime = col("f." + time);
        String timeFormat = input.getString("time-format");
        Column timestamp = time(rawTime, timeFormat);
        Column reason = when(blank(col("f." + user)), lit("column " + user + " is null or empty"))
                .when(blank(col("f." + item)), lit("column " + item + " is null or empty"))
                .when(rawTime.isNull(), lit("column " + time + " is null"))
                .when(timestamp.isNull(), concat(lit("column " + time + ": value '"), rawTime,
                        lit("' cannot be parsed as " + EventLog.expected(timeFormat) + " (sasrec.input.time-format = " + timeFormat + ")")));
        return fieldsOf.select(col(EVENT), col("f." + user).as(EventLog.USER), col("f." + item).as(EventLog.ITEM),
                timestamp.as(EventLog.TIME), reason.as(REASON));
    }

    private static Column time(Column text, String format) {
        return switch (format) {
            // beyond +-1e11 seconds (year 5138) a number is not a time: null, rather than an overflow that would fail the stream
            case "seconds" -> timestamp_seconds(finite(text.try_cast(DataTypes.DoubleType), 1e11));
            case "milliseconds" -> timestamp_millis(finite(text.try_cast(DataTypes.DoubleType), 1e14).cast(DataTypes.LongType));
            case "timestamp" -> text.try_cast(DataTypes.TimestampType);
            default -> try_to_timestamp(text, lit(format));
        };
    }

    private static Column finite(Column number, double bound) {
        return when(number.between(-bound, bound), number);
    }


    private static Column blank(Column c) {
        return coalesce(trim(c), lit("")).equalTo("");
    }
}
