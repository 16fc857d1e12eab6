package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.spark.SequenceFrames;
import dev.sasrec.spark.SparkTestSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exploration in batch scoring: propensities by the softmax, replayable draws, the top-K at temperature 0. */
class ExplorationTest {

    private static final SparkSession spark = SparkTestSession.get();
    private static final SasRecNetwork NETWORK = SasRecNetwork.initialise(
            SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 6).set("seed", 3).build(), 40);
    private static final int[][] HISTORIES = {{1, 2, 3}, {4, 5}, {6, 7, 8, 9}, {10}, {11, 12}, {13, 14, 15}};

    @Test
    void drawnItemsCarryTheirSoftmaxPropensitiesAndAReplayGivesTheSameLists() {
        double temperature = 0.02;
        SASRecModel model = SASRecModel.fromNetwork(NETWORK, null).setK(5).setExplorationTemperature(temperature)
                .setEventTimeCol("time");
        Dataset<Row> users = SequenceFrames.of(spark, HISTORIES).withColumn("time", lit(1_700_000_000_000L));
        StructType rec = (StructType) ((org.apache.spark.sql.types.ArrayType) model.transform(users).schema()
                .apply("recommendations").dataType()).elementType();
        assertEquals(List.of("item", "score", "propensity"), Arrays.asList(rec.fieldNames()));

        List<Row> first = model.transform(users).orderBy("user").collectAsList();
        List<Row> replay = model.transform(users.repartition(3)).orderBy("user").collectAsList();
        // scores may differ in their last bits with the batch a history is encoded in, the draws may not
        assertEquals(items(first), items(replay), "the same (seed, user, time) draws the same list, however the rows are partitioned");

        float[] scores = NETWORK.newScorer().scores(new int[][]{HISTORIES[0]}).data().asFloat();
        List<Row> recs = first.get(0).getList(first.get(0).fieldIndex("recommendations"));
        double z = 0;
        for (int item = 4; item <= 40; item++) {   // items 1-3 are the history, excluded
            z += Math.exp(scores[item] / temperature);
        }
        int top = recs.get(0).getInt(0);
        assertEquals(Math.exp(scores[top] / temperature) / z, recs.get(0).getDouble(2), 1e-4,
                "the first slot's propensity is the item's softmax probability over the allowed items");
        double left = z - Math.exp(scores[top] / temperature);
        int second = recs.get(1).getInt(0);
        assertEquals(Math.exp(scores[second] / temperature) / left, recs.get(1).getDouble(2), 1e-4,
                "the second slot's is its probability among the items left");

        List<Row> later = model.transform(users.withColumn("time", col("time").plus(1))).orderBy("user").collectAsList();
        assertNotEquals(items(first), items(later), "another event time draws other lists");
    }

    @Test
    void temperatureZeroIsTheTopKWithoutPropensities() {
        SASRecModel model = SASRecModel.fromNetwork(NETWORK, null).setK(5);
        Dataset<Row> users = SequenceFrames.of(spark, HISTORIES);
        Dataset<Row> out = model.transform(users);
        StructType rec = (StructType) ((org.apache.spark.sql.types.ArrayType) out.schema()
                .apply("recommendations").dataType()).elementType();
        assertEquals(List.of("item", "score"), Arrays.asList(rec.fieldNames()));
        List<Row> rows = out.orderBy("user").collectAsList();
        int[] expected = NETWORK.newScorer().recommend(new int[][]{HISTORIES[2]}, 5, true).items()[0];
        int[] got = rows.get(2).<Row>getList(rows.get(2).fieldIndex("recommendations")).stream().mapToInt(r -> r.getInt(0)).toArray();
        assertArrayEquals(expected, got);
        assertTrue(assertThrowsMessage(() -> model.copy(org.apache.spark.ml.param.ParamMap.empty())
                .setExplorationTemperature(-1)).contains("explorationTemperature"));
    }

    private static List<List<Object>> items(List<Row> rows) {
        return rows.stream().map(r -> r.<Row>getList(r.fieldIndex("recommendations")).stream().map(x -> x.get(0)).toList()).toList();
    }

    private static String assertThrowsMessage(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("no exception");
    }
}
