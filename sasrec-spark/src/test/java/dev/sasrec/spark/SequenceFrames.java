package dev.sasrec.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Item-index histories as the DataFrame the SASRec stages read: {@code user} (int) and {@code itemIndex}. */
public final class SequenceFrames {

    /** {@code user int, itemIndex array<int>}. */
    public static final StructType SCHEMA = new StructType().add("user", DataTypes.IntegerType)
            .add("itemIndex", new ArrayType(DataTypes.IntegerType, false));

    private SequenceFrames() {
    }

    /** One row per history; a history's user is its position in {@code sequences}. */
    public static Dataset<Row> of(SparkSession spark, int[][] sequences) {
        List<Row> rows = new ArrayList<>();
        for (int u = 0; u < sequences.length; u++) {
            rows.add(RowFactory.create(u, Arrays.stream(sequences[u]).boxed().toArray(Integer[]::new)));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }
}
