package dev.sasrec.spark.recommend;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link TrainingSummary} as one small Parquet table: kind {@code epoch} rows (epoch, loss, sequences per
 * second, seconds, validation NDCG@10 and HR@10), kind {@code dropped} rows (reason, count), one kind
 * {@code sizes} row (workers in {@code epoch}, items in {@code reason}, sequences in {@code count}), one kind
 * {@code resumed} row (the checkpoint epoch training resumed after, in {@code epoch}), one kind
 * {@code validation} row (validation users in {@code count}) and one kind {@code passes} row (padded positions per
 * training pass in {@code count}; absent from summaries written before it existed). Epoch rows also carry the
 * exchange figures (rounds, bytes exchanged per round, compute and exchange seconds), absent from older tables.
 */
final class SummaryIO {

    private static final StructType SCHEMA = new StructType()
            .add("kind", DataTypes.StringType, false)
            .add("epoch", DataTypes.IntegerType, true)
            .add("loss", DataTypes.DoubleType, true)
            .add("sequencesPerSecond", DataTypes.DoubleType, true)
            .add("seconds", DataTypes.DoubleType, true)
            .add("reason", DataTypes.StringType, true)
            .add("count", DataTypes.LongType, true)
            .add("validationNdcg10", DataTypes.DoubleType, true)
            .add("validationHr10", DataTypes.DoubleType, true)
            .add("rounds", DataTypes.IntegerType, true)
            .add("exchangedBytesPerRound", DataTypes.DoubleType, true)
            .add("computeSeconds", DataTypes.DoubleType, true)
            .add("exchangeSeconds", DataTypes.DoubleType, true)
            .add("validationSampledNdcg10", DataTypes.DoubleType, true)
            .add("validationSampledHr10", DataTypes.DoubleType, true);

    private SummaryIO() {
    }

    static void write(SparkSession spark, TrainingSummary s, String path) {
        List<Row> rows = new ArrayList<>();
        for (TrainingSummary.Epoch e : s.epochs()) {
            Object[] row = new Object[SCHEMA.size()];
            row[0] = "epoch";
            Map<String, Object> fields = e.fields();
            for (int i = 1; i < row.length; i++) {
                row[i] = fields.get(SCHEMA.fields()[i].name());
            }
            rows.add(RowFactory.create(row));
        }
        s.droppedRows().forEach((reason, count) -> rows.add(row("dropped", null, reason, count)));
        rows.add(row("sizes", s.numWorkers(), Integer.toString(s.numItems()), s.trainedSequences()));
        rows.add(row("resumed", s.resumedAfterEpoch(), null, null));
        rows.add(row("validation", null, null, (long) s.validationUsers()));
        rows.add(row("passes", null, null, (long) s.positionsPerPass()));
        rows.add(row("kept", s.keptEpoch(), null, null));
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().parquet(path);
    }

    static TrainingSummary read(SparkSession spark, String path) {
        TrainingSummary s = new TrainingSummary();
        List<Row> rows = spark.read().parquet(path).orderBy("kind", "epoch").collectAsList();
        for (Row r : rows) {
            switch (r.getString(0)) {
                case "epoch" -> s.addEpoch(TrainingSummary.Epoch.of(epochFields(r)));
                case "dropped" -> s.dropped(r.getString(5), r.getLong(6));
                case "sizes" -> s.sizes(r.getLong(6), Integer.parseInt(r.getString(5)), r.getInt(1));
                case "resumed" -> s.resumedAfter(r.getInt(1));
                case "validation" -> s.validationUsers((int) r.getLong(6));
                case "passes" -> s.positionsPerPass((int) r.getLong(6));
                case "kept" -> s.keptEpoch(r.getInt(1));
                default -> throw new IllegalStateException(path + ": unknown summary row kind " + r.getString(0));
            }
        }
        return s;
    }

    /** A row of a kind other than epoch: its {@code epoch}, {@code reason} and {@code count} columns. */
    private static Row row(String kind, Integer epoch, String reason, Long count) {
        Object[] row = new Object[SCHEMA.size()];
        row[0] = kind;
        row[SCHEMA.fieldIndex("epoch")] = epoch;
        row[SCHEMA.fieldIndex("reason")] = reason;
        row[SCHEMA.fieldIndex("count")] = count;
        return RowFactory.create(row);
    }

    /**
     * The epoch figures of an epoch row, by the names of {@link TrainingSummary.Epoch#fields()}; figures the table
     * has no column for (written before they existed) are missing.
     */
    private static Map<String, Object> epochFields(Row r) {
        Map<String, Object> m = new HashMap<>();
        List<String> columns = List.of(r.schema().fieldNames());
        for (String name : TrainingSummary.Epoch.names()) {
            if (columns.contains(name)) {
                int i = r.fieldIndex(name);
                m.put(name, r.isNullAt(i) ? null : r.get(i));
            }
        }
        return m;
    }
}
