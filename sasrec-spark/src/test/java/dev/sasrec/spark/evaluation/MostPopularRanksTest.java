package dev.sasrec.spark.evaluation;

import dev.sasrec.engine.eval.Ranks;
import dev.sasrec.spark.SparkTestSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The most-popular baseline's ranks on a frame worked by hand: popularity counted over the rows' histories
 * (padding skipped), the history excluded under the full protocol, ties against the true item, the model's
 * negatives under the sampled protocol, null ranks where a row has no target.
 */
class MostPopularRanksTest {

    /** Occurrences in the histories below: item 1 x4, 2 x2, 3 x1, 4 x1, 5 x0. */
    private static final long[] COUNTS = {0, 4, 2, 1, 1, 0};

    @Test
    void ranksFollowPopularityUnderBothProtocols() {
        SparkSession spark = SparkTestSession.get();
        StructType schema = new StructType().add("user", DataTypes.IntegerType)
                .add("history", new ArrayType(DataTypes.IntegerType, false)).add("target", DataTypes.IntegerType, true);
        List<Row> rows = List.of(
                RowFactory.create(0, new Integer[]{1, 2, 1}, 4),
                RowFactory.create(1, new Integer[]{1, 3, 2}, 5),
                RowFactory.create(2, new Integer[]{0, 0, 4}, 3),
                RowFactory.create(3, new Integer[]{1}, null));
        Dataset<Row> frame = spark.createDataFrame(rows, schema).repartition(2);
        List<Row> ranked = MostPopularRanks.rank(frame, "history", "target", 5, 17).orderBy("user").collectAsList();

        // Full: item 4 (1) after {1, 2}: 3 ties -> 1; item 5 (0) after {1, 2, 3}: 4 -> 1; item 3 (1) after {4}: 1, 2 -> 2.
        int[] full = {1, 1, 2};
        int[][] histories = {{1, 2, 1}, {1, 3, 2}, {4}};
        int[] targets = {4, 5, 3};
        for (int u = 0; u < 3; u++) {
            Row r = ranked.get(u);
            assertEquals(full[u], r.getInt(r.fieldIndex("fullRank")), "full rank of user " + u);
            int above = 0;
            for (int n : Ranks.negativesFor(17, histories[u], targets[u], 5)) {
                above += COUNTS[n] >= COUNTS[targets[u]] ? 1 : 0;
            }
            assertEquals(above, r.getInt(r.fieldIndex("sampledRank")), "sampled rank of user " + u);
        }
        Row none = ranked.get(3);
        assertTrue(none.isNullAt(none.fieldIndex("fullRank")) && none.isNullAt(none.fieldIndex("sampledRank")));
        assertEquals(List.of(1), none.getList(none.fieldIndex("history")), "the input columns are kept");
    }
}
