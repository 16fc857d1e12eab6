package dev.sasrec.spark.filter;

import dev.sasrec.spark.SparkTestSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InteractionFilterTest {

    @Test
    void filtersIterativelyUntilStableAndReportsWhatWasRemoved() {
        SparkSession spark = SparkTestSession.get();
        StructType schema = new StructType().add("user", DataTypes.IntegerType).add("item", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        // users 1-3 rate items 1-3 (a 3-core); user 4 rates items 1, 2 and 9; item 9 is rated by user 4 only.
        for (int u = 1; u <= 3; u++) {
            for (int i = 1; i <= 3; i++) {
                rows.add(RowFactory.create(u, i));
            }
        }
        rows.add(RowFactory.create(4, 1));
        rows.add(RowFactory.create(4, 2));
        rows.add(RowFactory.create(4, 9));
        Dataset<Row> log = spark.createDataFrame(rows, schema);
        InteractionFilter.Result r = new InteractionFilter().setMinUserInteractions(3).setMinItemInteractions(3).filter(log);
        // Round 1 drops item 9 (1 event); user 4 then has 2 events and goes in round 2; round 3 changes nothing.
        assertEquals(9, r.events().count());
        assertEquals(12, r.report().eventsIn());
        assertEquals(9, r.report().eventsOut());
        assertEquals(4, r.report().usersIn());
        assertEquals(3, r.report().usersOut());
        assertEquals(4, r.report().itemsIn());
        assertEquals(3, r.report().itemsOut());
        assertEquals(3, r.report().iterations());
        assertTrue(r.report().converged());
        assertTrue(r.report().toString().contains("9 of 12 events kept (3 removed)"), r.report().toString());
        assertEquals(0, r.events().filter("user = 4 or item = 9").count());

        InteractionFilter.Result capped = new InteractionFilter().setMinUserInteractions(3).setMinItemInteractions(3)
                .setMaxIterations(1).filter(log);
        assertEquals(11, capped.report().eventsOut());
        assertTrue(!capped.report().converged() && capped.report().toString().contains("before converging"));
    }
}
