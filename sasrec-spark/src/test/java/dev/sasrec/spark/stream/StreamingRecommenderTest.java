package dev.sasrec.spark.stream;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.spark.SparkTestSession;
import dev.sasrec.spark.recommend.SASRecModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming recommender on Spark's file source and memory sink, a micro-batch at a time: refreshed users only,
 * histories in event-time order, late, unknown and invalid events, seeded state, a model swap and the state's TTL.
 */
class StreamingRecommenderTest {

    private static final SparkSession spark = SparkTestSession.get();
    private static final StructType EVENTS = new StructType().add("user", DataTypes.IntegerType)
            .add("item", DataTypes.IntegerType).add("timestamp", DataTypes.LongType);
    private static final SasRecConfig CONFIG = SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 5).set("seed", 2).build();
    private static final SASRecModel MODEL = SASRecModel.fromNetwork(SasRecNetwork.initialise(CONFIG, 30), null).setK(4);
    private static final long T = 1_700_000_000L;

    @TempDir
    Path dir;
    private int files;

    @BeforeAll
    static void rocksDb() {
        spark.conf().set("spark.sql.streaming.stateStore.providerClass",
                "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider");
    }

    @Test
    void eachMicroBatchRefreshesTheUsersWithNewEventsFromTheirHistoriesInEventTimeOrder() throws Exception {
        StreamingQuery query = start(new StreamingRecommender(MODEL).setWatermarkDelay("1 minute"), null, "refresh");
        try {
            // event-time order differs from arrival order and from item order throughout
            write("{\"user\":1,\"item\":3,\"timestamp\":" + (T - 5) + "}", "{\"user\":1,\"item\":1,\"timestamp\":" + T + "}",
                    "{\"user\":2,\"item\":7,\"timestamp\":" + T + "}");
            query.processAllAvailable();
            write("{\"user\":1,\"item\":4,\"timestamp\":" + (T + 20) + "}",
                    "{\"user\":1,\"item\":9,\"timestamp\":" + (T + 10) + "}",
                    "{\"user\":1,\"item\":6,\"timestamp\":" + (T - 10) + "}",   // older than what is held, not late
                    "{\"user\":1,\"item\":2,\"timestamp\":" + (T - 600) + "}",  // 10 minutes late: behind the watermark
                    "{\"user\":3,\"item\":999,\"timestamp\":" + (T + 20) + "}", // an item the model does not know
                    "{\"user\":3,\"item\":5,\"timestamp\":" + (T + 21) + "}",
                    "{\"user\":null,\"item\":5,\"timestamp\":" + (T + 21) + "}");
            query.processAllAvailable();
            List<Row> out = spark.table("refresh").orderBy("eventTime", "user").collectAsList();
            assertEquals(4, out.size(), "users 1 and 2, then users 1 and 3: " + out);
            assertRefresh(out.get(0), 1, new int[]{3, 1}, T);
            assertRefresh(out.get(1), 2, new int[]{7}, T);
            assertRefresh(out.get(2), 1, new int[]{6, 3, 1, 9, 4}, T + 20);
            assertRefresh(out.get(3), 3, new int[]{5}, T + 21);

            Map<String, Long> counts = observed(query);
            assertEquals(10L, counts.get("events"));
            assertEquals(1L, counts.get("invalidEvents"));
            assertEquals(1L, counts.get("unknownItems"));
            assertEquals(4L, counts.get("refreshedUsers"));
            long late = Arrays.stream(query.recentProgress())
                    .mapToLong(p -> p.stateOperators().length == 0 ? 0 : p.stateOperators()[0].numRowsDroppedByWatermark()).sum();
            assertEquals(1L, late, "the late event is dropped by the watermark and counted");
        } finally {
            query.stop();
        }
    }

    @Test
    void eachPartitionScoresItsUsersOldestNewEventFirst() throws Exception {
        Path input = dir.resolve("in");
        Files.createDirectories(input);
        Dataset<Row> out = new StreamingRecommender(MODEL).setWatermarkDelay("1 minute")
                .transform(spark.readStream().schema(EVENTS).json(input.toString()))
                .withColumn("partition", org.apache.spark.sql.functions.spark_partition_id());
        StreamingQuery query = out.writeStream().format("memory").queryName("oldestFirst").outputMode("append")
                .option("checkpointLocation", dir.resolve("checkpoint").toString()).start();
        try {
            // The later the user id, the earlier the event: the state step's key order is not the time order.
            // User 1 has a second, later event; its earliest one is the oldest of the micro-batch.
            String[] lines = new String[61];
            for (int u = 1; u <= 60; u++) {
                lines[u - 1] = "{\"user\":" + u + ",\"item\":" + (1 + u % 29) + ",\"timestamp\":" + (T + 100 - u) + "}";
            }
            lines[60] = "{\"user\":1,\"item\":2,\"timestamp\":" + (T - 50) + "}";
            write(lines);
            query.processAllAvailable();
            List<Row> rows = spark.table("oldestFirst").collectAsList();
            assertEquals(60, rows.size());
            Map<Integer, List<Long>> byPartition = new TreeMap<>();
            for (Row r : rows) {
                int u = r.getInt(r.fieldIndex("user"));
                long earliest = u == 1 ? T - 50 : T + 100 - u;
                byPartition.computeIfAbsent(r.getInt(r.fieldIndex("partition")), p -> new ArrayList<>()).add(earliest);
            }
            assertTrue(byPartition.size() > 1, "the users span partitions: " + byPartition.keySet());
            for (Map.Entry<Integer, List<Long>> p : byPartition.entrySet()) {
                List<Long> sorted = p.getValue().stream().sorted().toList();
                assertEquals(sorted, p.getValue(), "partition " + p.getKey() + " in order of each user's earliest new event");
            }
        } finally {
            query.stop();
        }
    }

    @Test
    void aUsersStateAppendedOverManyMicroBatchesAndWrittenBackWholeKeepsTheLastNInEventTimeOrder() throws Exception {
        // n = 5: one-event micro-batches reach the chunk limit (n chunks), three-event ones the item limit (2n)
        int[] sizes = {1, 1, 1, 1, 1, 1, 3, 3};
        SplittableRandom random = new SplittableRandom(11);
        List<long[]> seen = new ArrayList<>();   // {time, micro-batch, item} of every event so far
        StreamingQuery query = start(new StreamingRecommender(MODEL).setWatermarkDelay("1 minute"), null, "chunks");
        try {
            for (int b = 0; b < sizes.length; b++) {
                String[] lines = new String[sizes[b]];
                long latest = Long.MIN_VALUE;
                for (int e = 0; e < sizes[b]; e++) {
                    long time = T + random.nextInt(8);          // ties and events older than what is held
                    int item = 1 + random.nextInt(29);
                    lines[e] = "{\"user\":1,\"item\":" + item + ",\"timestamp\":" + time + "}";
                    seen.add(new long[]{time, b, item});
                    latest = Math.max(latest, time);
                }
                write(lines);
                query.processAllAvailable();
                // held items first at equal times, a micro-batch's own by item id (as text: "10" < "9")
                int[] expected = seen.stream().sorted(Comparator.<long[]>comparingLong(x -> x[0])
                                .thenComparingLong(x -> x[1]).thenComparing(x -> Long.toString(x[2])))
                        .skip(Math.max(0, seen.size() - 5)).mapToInt(x -> (int) x[2]).toArray();
                List<Row> out = spark.table("chunks").collectAsList();
                assertEquals(b + 1, out.size());
                assertRefresh(out.get(b), 1, expected, latest);
            }
        } finally {
            query.stop();
        }
    }

    @Test
    void seededStateContinuesTheBatchHistoryAndANewModelTakesItOver() throws Exception {
        Dataset<Row> histories = spark.createDataFrame(List.of(RowFactory.create(1, new Integer[]{11, 12, 13})),
                new StructType().add("user", DataTypes.IntegerType).add("item", new ArrayType(DataTypes.IntegerType, false)));
        StreamingQuery query = start(new StreamingRecommender(MODEL), histories, "seeded");
        write("{\"user\":1,\"item\":14,\"timestamp\":" + T + "}");
        query.processAllAvailable();
        query.stop();
        assertRefresh(spark.read().parquet(dir.resolve("out").toString()).collectAsList().get(0), 1, new int[]{11, 12, 13, 14}, T);

        // tomorrow's model (other weights, a catalogue of 20 items) on the same checkpoint: the state carries over,
        // and item 25, unknown to it, stays out of its scoring
        SASRecModel retrained = SASRecModel.fromNetwork(SasRecNetwork.initialise(CONFIG, 20), null).setK(4);
        write("{\"user\":1,\"item\":25,\"timestamp\":" + (T + 1) + "}", "{\"user\":1,\"item\":2,\"timestamp\":" + (T + 2) + "}");
        query = start(new StreamingRecommender(retrained), null, "seeded2");
        query.processAllAvailable();
        query.stop();
        List<Row> out = spark.read().parquet(dir.resolve("out").toString()).orderBy("eventTime").collectAsList();
        assertEquals(2, out.size(), "one refresh per micro-batch: " + out);
        out = out.subList(1, 2);
        assertEquals(4, out.get(0).getInt(out.get(0).fieldIndex("historyLength")), "item 25 is unknown to the new model");
        int[] expected = retrained.network().newScorer().recommend(new int[][]{{12, 13, 14, 2}}, 4, true).items()[0];
        assertArrayEquals(expected, items(out.get(0)), "scored by the new model from the history it knows");
    }

    @Test
    void aUserInactiveForTheTimeToLiveStartsAfreshOnceTheWatermarkPassesIt() throws Exception {
        StreamingQuery query = start(new StreamingRecommender(MODEL).setStateTimeToLiveSeconds(60)
                .setWatermarkDelay("60 seconds"), null, "ttl");
        try {
            write("{\"user\":1,\"item\":3,\"timestamp\":" + T + "}", "{\"user\":2,\"item\":4,\"timestamp\":" + T + "}");
            query.processAllAvailable();
            // the watermark moves to T + 140, past user 1's T + 60; user 2 stays active
            write("{\"user\":2,\"item\":5,\"timestamp\":" + (T + 200) + "}");
            query.processAllAvailable();
            write("{\"user\":2,\"item\":6,\"timestamp\":" + (T + 202) + "}");
            query.processAllAvailable();
            write("{\"user\":1,\"item\":6,\"timestamp\":" + (T + 203) + "}");
            query.processAllAvailable();
            List<Row> out = spark.table("ttl").orderBy("eventTime", "user").collectAsList();
            assertRefresh(out.get(2), 2, new int[]{4, 5}, T + 200);
            assertRefresh(out.get(3), 2, new int[]{4, 5, 6}, T + 202);
            assertRefresh(out.get(4), 1, new int[]{6}, T + 203);
        } finally {
            query.stop();
        }
    }

    @Test
    void exploringStreamsDrawWhatBatchScoringDrawsForTheSameUserHistoryAndTimeWithPropensities() throws Exception {
        SASRecModel exploring = MODEL.copy(org.apache.spark.ml.param.ParamMap.empty()).setExplorationTemperature(0.05);
        StreamingQuery query = start(new StreamingRecommender(exploring), null, "explore");
        try {
            write("{\"user\":7,\"item\":3,\"timestamp\":" + T + "}", "{\"user\":7,\"item\":8,\"timestamp\":" + (T + 1) + "}");
            query.processAllAvailable();
        } finally {
            query.stop();
        }
        Row streamed = spark.table("explore").collectAsList().get(0);
        Dataset<Row> batch = spark.createDataFrame(List.of(RowFactory.create(7, new Integer[]{3, 8},
                new java.sql.Timestamp((T + 1) * 1000))), new StructType().add("user", DataTypes.IntegerType)
                .add("itemIndex", new ArrayType(DataTypes.IntegerType, false)).add("eventTime", DataTypes.TimestampType));
        Row scored = exploring.copy(org.apache.spark.ml.param.ParamMap.empty()).setEventTimeCol("eventTime")
                .transform(batch).collectAsList().get(0);
        assertArrayEquals(items(scored), items(streamed), "(seed, user, event time) draw the same list in both");
        List<Row> recs = streamed.getList(streamed.fieldIndex("recommendations"));
        assertEquals(List.of("item", "score", "propensity"), Arrays.asList(recs.get(0).schema().fieldNames()));
        assertTrue(recs.stream().allMatch(r -> r.getDouble(2) > 0 && r.getDouble(2) <= 1), recs.toString());
    }

    @Test
    void invalidEventsComeBackWithTheirReason() {
        Dataset<Row> events = spark.createDataFrame(List.of(RowFactory.create(1, 2, T), RowFactory.create(null, 2, T),
                RowFactory.create(1, null, T), RowFactory.create(1, 2, null)), EVENTS);
        List<String> reasons = new StreamingRecommender(MODEL).invalidEvents(events).select(StreamingRecommender.REASON)
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertEquals(List.of("column user is null or empty", "column item is null or empty", "column timestamp is null"), reasons);
    }

    @Test
    void aSessionWithoutTheRocksDbStateStoreIsToldWhichSettingItNeeds() {
        String key = "spark.sql.streaming.stateStore.providerClass";
        String provider = spark.conf().get(key);
        spark.conf().unset(key);
        try {
            Dataset<Row> events = spark.readStream().schema(EVENTS).json(dir.toString());
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> new StreamingRecommender(MODEL).transform(events));
            assertTrue(e.getMessage().contains(key + "=org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"),
                    e.getMessage());
        } finally {
            spark.conf().set(key, provider);
        }
    }

    private StreamingQuery start(StreamingRecommender recommender, Dataset<Row> histories, String name) throws Exception {
        Path input = dir.resolve("in");
        Files.createDirectories(input);
        Dataset<Row> events = spark.readStream().schema(EVENTS).json(input.toString());
        Dataset<Row> out = histories == null ? recommender.transform(events) : recommender.transform(events, histories);
        // a memory sink cannot restart from a checkpoint, so the model-swap test writes Parquet files
        boolean files = name.startsWith("seeded");
        return out.writeStream().format(files ? "parquet" : "memory").queryName(name).outputMode("append")
                .option("checkpointLocation", dir.resolve("checkpoint").toString())
                .option("path", dir.resolve("out").toString()).start();
    }

    private void write(String... lines) throws IOException {
        Path tmp = dir.resolve("part-" + files + ".tmp");
        Files.writeString(tmp, String.join("\n", lines) + "\n");
        Files.move(tmp, dir.resolve("in").resolve("part-" + files++ + ".json"));
    }

    private static Map<String, Long> observed(StreamingQuery query) {
        Map<String, Long> counts = new TreeMap<>();
        for (StreamingQueryProgress p : query.recentProgress()) {
            for (Map.Entry<String, Row> m : p.observedMetrics().entrySet()) {
                Row r = m.getValue();
                for (String field : r.schema().fieldNames()) {
                    counts.merge(field, ((Number) r.getAs(field)).longValue(), Long::sum);
                }
            }
        }
        return counts;
    }

    private static void assertRefresh(Row r, int user, int[] history, long seconds) {
        assertEquals(user, r.getInt(r.fieldIndex("user")));
        assertEquals(history.length, r.getInt(r.fieldIndex("historyLength")), "history length of user " + user);
        assertEquals(seconds * 1000, r.getTimestamp(r.fieldIndex("eventTime")).getTime());
        int[] expected = MODEL.network().newScorer().recommend(new int[][]{history}, 4, true).items()[0];
        if (history.length > 0 && Arrays.stream(history).allMatch(i -> i <= MODEL.network().numItems())) {
            assertArrayEquals(expected, items(r), "user " + user + " scored from " + Arrays.toString(history));
        }
    }

    private static int[] items(Row r) {
        return r.<Row>getList(r.fieldIndex("recommendations")).stream().mapToInt(x -> x.getInt(0)).toArray();
    }
}
