package dev.sasrec.spark.recommend;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TrainingSummary} as one small Parquet table: kind {@code epoch} rows (epoch, loss, sequences per
 * second, seconds, validation NDCG@10 and HR@10), kind {@code dropped} rows (reason, count), one kind
 * {@code sizes} row (workers in {@code epoch}, items in {@code reason}, sequences in {@code count}), one kind
 * {@code resumed} row (the checkpoint epoch training resumed after, in {@code epoch}), one kind
 * {@code validation} row (validation users in {@code count}) and one kind {@code passes} row (padded positions per
 * training pass in {@code count}; absent from summaries written before it existed).
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
            .add("validationHr10", DataTypes.DoubleType, true);

    private SummaryIO() {
    }

    static void write(SparkSession spark, TrainingSummary s, String path) {
        List<Row> rows = new ArrayList<>();
        for (TrainingSummary.Epoch e : s.epochs()) {
            rows.add(RowFactory.create("epoch", e.epoch(), e.loss(), e.sequencesPerSecond(), e.seconds(), null, null,
                    e.validationNdcg10(), e.validationHr10()));
        }
        s.droppedRows().forEach((reason, count) -> rows.add(RowFactory.create("dropped", null, null, null, null, reason, count, null, null)));
        rows.add(RowFactory.create("sizes", s.numWorkers(), null, null, null, Integer.toString(s.numItems()), s.trainedSequences(), null, null));
        rows.add(RowFactory.create("resumed", s.resumedAfterEpoch(), null, null, null, null, null, null, null));
        rows.add(RowFactory.create("validation", null, null, null, null, null, (long) s.validationUsers(), null, null));
        rows.add(RowFactory.create("passes", null, null, null, null, null, (long) s.positionsPerPass(), null, null));
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().parquet(path);
    }

    static TrainingSummary read(SparkSession spark, String path) {
        TrainingSummary s = new TrainingSummary();
        List<Row> rows = spark.read().parquet(path).orderBy("kind", "epoch").collectAsList();
        for (Row r : rows) {
            switch (r.getString(0)) {
                case "epoch" -> s.addEpoch(new TrainingSummary.Epoch(r.getInt(1), r.getDouble(2), r.getDouble(3), r.getDouble(4),
                        r.getDouble(7), r.getDouble(8)));
                case "dropped" -> s.dropped(r.getString(5), r.getLong(6));
                case "sizes" -> s.sizes(r.getLong(6), Integer.parseInt(r.getString(5)), r.getInt(1));
                case "resumed" -> s.resumedAfter(r.getInt(1));
                case "validation" -> s.validationUsers((int) r.getLong(6));
                case "passes" -> s.positionsPerPass((int) r.getLong(6));
                default -> throw new IllegalStateException(path + ": unknown summary row kind " + r.getString(0));
            }
        }
        return s;
    }
}
