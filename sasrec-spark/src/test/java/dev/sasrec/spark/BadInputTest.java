package dev.sasrec.spark;

import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.spark.index.ItemIndexer;
import dev.sasrec.spark.index.ItemIndexerModel;
import dev.sasrec.spark.recommend.SASRec;
import dev.sasrec.spark.recommend.SASRecModel;
import dev.sasrec.spark.sessions.Sessionizer;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input through the Spark stages: each case either fails with a message naming the column, the value and
 * what was expected, or is handled in a documented way whose count can be read back (docs/RELIABILITY.md).
 */
class BadInputTest {

    private static SparkSession spark;
    private static final StructType DOUBLE_TIMES = new StructType().add("user", DataTypes.StringType)
            .add("item", DataTypes.StringType).add("timestamp", DataTypes.DoubleType);
    private static final UserSequences DATA = SyntheticSequences.generate(120, 40, 8, 16, 0.9, 11);

    @BeforeAll
    static void start() {
        spark = SparkTestSession.get();
    }

    private static SASRec tiny() {
        return new SASRec().setHiddenUnits(16).setMaxLen(10).setNumBlocks(1).setDropout(0.0).setBatchSize(32)
                .setLearningRate(0.01).setMaxEpochs(1).setSeed(3L).setK(5);
    }

    /** A valid log of {@code users} users from the generated sequences, string ids, epoch seconds. */
    private static List<Row> validEvents(int users) {
        List<Row> rows = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int[] s = DATA.sequences()[u];
            for (int t = 0; t < s.length; t++) {
                rows.add(RowFactory.create("u" + u, "i" + s[t], 1_000.0 + 60 * t));
            }
        }
        return rows;
    }

    private static String failure(Runnable action) {
        Exception e = assertThrows(Exception.class, action::run);
        StringBuilder m = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            m.append(t.getMessage()).append(" | ");
        }
        return m.toString();
    }

    @Test
    void emptyIdsAndNegativeOrNonFiniteTimesAreNamedOrSkippedAndCounted() {
        Object[][] bad = {
                {"", "i1", 10.0, "column user is null or empty"},
                {null, "i1", 10.0, "column user is null or empty"},
                {"u1", "  ", 10.0, "column item is null or empty"},
                {"u1", null, 10.0, "column item is null or empty"},
                {"u1", "i1", -5.0, "column timestamp has value -5.0, expected a timestamp or a non-negative, finite number"},
                {"u1", "i1", null, "column timestamp has value null"},
                {"u1", "i1", Double.NaN, "column timestamp has value NaN"},
                {"u1", "i1", Double.POSITIVE_INFINITY, "column timestamp has value Infinity"},
        };
        List<Row> all = new ArrayList<>(validEvents(3));
        for (Object[] b : bad) {
            List<Row> rows = new ArrayList<>(validEvents(3));
            rows.add(RowFactory.create(b[0], b[1], b[2]));
            all.add(RowFactory.create(b[0], b[1], b[2]));
            Dataset<Row> log = spark.createDataFrame(rows, DOUBLE_TIMES);
            String message = failure(() -> new Sessionizer().transform(log).collectAsList());
            assertTrue(message.contains((String) b[3]) && message.contains("handleInvalid=skip"), message);
        }
        Dataset<Row> log = spark.createDataFrame(all, DOUBLE_TIMES);
        Sessionizer skipping = new Sessionizer().setHandleInvalid("skip");
        assertEquals(Map.of(Sessionizer.USER_INVALID, 2L, Sessionizer.ITEM_INVALID, 2L, Sessionizer.TIME_INVALID, 4L),
                skipping.invalidEvents(log));
        long kept = skipping.transform(log).selectExpr("sum(size(items))").first().getLong(0);
        assertEquals(validEvents(3).size(), kept, "exactly the invalid events are skipped");
        assertEquals(Map.of(), skipping.invalidEvents(spark.createDataFrame(validEvents(3), DOUBLE_TIMES)));
    }

    @Test
    void duplicateEventsAreKeptInADeterministicOrderOrDroppedAsRepeats() {
        List<Row> rows = List.of(RowFactory.create("u", "b", 20.0), RowFactory.create("u", "a", 10.0),
                RowFactory.create("u", "b", 20.0), RowFactory.create("u", "c", 20.0));
        Dataset<Row> log = spark.createDataFrame(rows, DOUBLE_TIMES);
        assertEquals(List.of("a", "b", "b", "c"), new Sessionizer().transform(log).first().getList(1));
        assertEquals(List.of("a", "b", "c"), new Sessionizer().setDropRepeats(true).transform(log).first().getList(1));
    }

    @Test
    void rawIdsBeyondTheIntRangeRoundTrip() {
        StructType schema = new StructType().add("user", DataTypes.LongType).add("item", DataTypes.LongType)
                .add("timestamp", DataTypes.LongType);
        long base = 5_000_000_000L;
        List<Row> rows = new ArrayList<>();
        for (int u = 0; u < 60; u++) {
            int[] s = DATA.sequences()[u];
            for (int t = 0; t < s.length; t++) {
                rows.add(RowFactory.create(1_000_000_000_000L + u, base + s[t], 60L * t));
            }
        }
        Dataset<Row> log = spark.createDataFrame(rows, schema);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[]{new Sessionizer(),
                new ItemIndexer().setInputCol("items").setOutputCol("itemIndex"), tiny()}).fit(log);
        Row r = fitted.transform(log).filter(col("user").equalTo(1_000_000_000_000L)).first();
        List<Row> recs = r.getList(r.fieldIndex("recommendations"));
        assertEquals(5, recs.size());
        for (Row rec : recs) {
            assertTrue(rec.getLong(0) > base && rec.getLong(0) <= base + DATA.numItems(), "raw long id: " + rec);
        }
    }

    @Test
    void oneUserWithAMillionEventsTrainsAndScoresFromTheLastItems() {
        Dataset<Row> heavy = spark.range(1_000_000).select(lit("heavy").as("user"),
                col("id").mod(30).plus(1).cast("string").as("item"), col("id").cast("double").as("timestamp"));
        Dataset<Row> log = spark.createDataFrame(validEvents(80), DOUBLE_TIMES)
                .withColumn("item", org.apache.spark.sql.functions.regexp_replace(col("item"), "i", ""))
                .unionByName(heavy);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[]{new Sessionizer(),
                new ItemIndexer().setInputCol("items").setOutputCol("itemIndex"), tiny()}).fit(log);
        SASRecModel model = (SASRecModel) fitted.stages()[2];
        assertEquals(81, model.summary().orElseThrow().trainedSequences());
        Row r = fitted.transform(log.filter(col("user").equalTo("heavy"))).first();
        assertEquals(1_000_000, r.getList(r.fieldIndex("items")).size());
        List<Row> recs = r.getList(r.fieldIndex("recommendations"));
        assertEquals(5, recs.size());
        for (Row rec : recs) {
            assertTrue(Integer.parseInt(rec.getString(0)) > 30, "seen items (1..30) are excluded: " + rec);
        }
    }

    @Test
    void itemsUnknownToTheModelAreLeftOutOfTheHistoryUnderKeep() {
        List<Row> train = validEvents(60);
        Dataset<Row> log = spark.createDataFrame(train, DOUBLE_TIMES);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[]{new Sessionizer(),
                new ItemIndexer().setInputCol("items").setOutputCol("itemIndex").setHandleInvalid("keep"), tiny()}).fit(log);
        List<Row> withUnknown = new ArrayList<>();
        for (Row e : train) {
            if (e.getString(0).equals("u0")) {
                withUnknown.add(e);
            }
        }
        List<Row> plain = new ArrayList<>(withUnknown);
        withUnknown.add(RowFactory.create("u0", "never-seen", 1_000_000.0));
        Row known = fitted.transform(spark.createDataFrame(plain, DOUBLE_TIMES)).first();
        List<Row> a = known.getList(known.fieldIndex("recommendations"));
        Row unknown = fitted.transform(spark.createDataFrame(withUnknown, DOUBLE_TIMES)).first();
        assertEquals(0, (int) unknown.<Integer>getList(unknown.fieldIndex("itemIndex")).get(withUnknown.size() - 1));
        assertEquals(a, unknown.getList(unknown.fieldIndex("recommendations")), "the unknown item does not count");

        ItemIndexerModel strict = ((ItemIndexerModel) fitted.stages()[1]).copy(new ParamMap()).setHandleInvalid("error");
        Dataset<Row> sessions = fitted.stages()[0].transform(spark.createDataFrame(withUnknown, DOUBLE_TIMES));
        String message = failure(() -> strict.transform(sessions).collectAsList());
        assertTrue(message.contains("never-seen") && message.contains("items"), message);
    }

    @Test
    void wrongItemColumnTypesAndIndicesOutsideTheCatalogueAreNamed() {
        StructType strings = new StructType().add("user", DataTypes.IntegerType)
                .add("itemIndex", new ArrayType(DataTypes.StringType, false));
        Dataset<Row> text = spark.createDataFrame(List.<Row>of(RowFactory.create(1, new String[]{"1", "2"})), strings);
        String message = failure(() -> tiny().setItemsCol("itemIndex").fit(text));
        assertTrue(message.contains("column itemIndex: type array<string>, expected array<int>"), message);

        StructType ints = SequenceFrames.SCHEMA;
        SASRecModel model = tiny().setItemsCol("itemIndex")
                .fit(SequenceFrames.of(spark, java.util.Arrays.copyOf(DATA.sequences(), 40)));
        Dataset<Row> outside = spark.createDataFrame(List.<Row>of(RowFactory.create(1, new Integer[]{3, 999})), ints);
        message = failure(() -> model.setItemsCol("itemIndex").transform(outside).collectAsList());
        assertTrue(message.contains("999") && message.contains("outside the model's catalogue 1.." + DATA.numItems()), message);

        Dataset<Row> singles = spark.createDataFrame(List.<Row>of(RowFactory.create(1, new Integer[]{3})), ints);
        message = failure(() -> tiny().setItemsCol("itemIndex").fit(singles));
        assertTrue(message.contains("column itemIndex has no history with at least 2 items"), message);
    }

    @Test
    void everyStageNamesAWrongColumnTypeAndAMissingColumn() {
        StructType log = new StructType().add("user", DataTypes.StringType).add("item", DataTypes.DoubleType)
                .add("timestamp", DataTypes.StringType).add("items", DataTypes.StringType);
        Dataset<Row> frame = spark.createDataFrame(List.<Row>of(RowFactory.create("u", 1.0, "noon", "1 2")), log);
        SASRecModel model = SASRecModel.fromNetwork(dev.sasrec.engine.model.SasRecNetwork.initialise(
                dev.sasrec.engine.model.SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 4).build(), 10), null);
        String intArray = "column items: type string, expected array<int>";
        List<Map.Entry<String, Runnable>> wrongType = List.of(
                Map.entry("column timestamp: type string, expected", () -> new Sessionizer().transform(frame)),
                Map.entry("column item: type double, expected string or integral", () -> new ItemIndexer().fit(frame)),
                Map.entry(intArray, () -> new dev.sasrec.spark.sequence.SequenceBuilder().setInputCol("items").transform(frame)),
                Map.entry(intArray, () -> new dev.sasrec.spark.sequence.LeaveOneOutSplitter().setInputCol("items").transform(frame)),
                Map.entry(intArray, () -> tiny().setItemsCol("items").fit(frame)),
                Map.entry(intArray, () -> model.setItemsCol("items").transform(frame)));
        for (Map.Entry<String, Runnable> c : wrongType) {
            String message = failure(c.getValue());
            assertTrue(message.contains(c.getKey()), c.getKey() + " -> " + message);
        }

        String available = "available columns: user, item, timestamp, items";
        List<Map.Entry<String, Runnable>> missing = List.of(
                Map.entry("time", () -> new Sessionizer().setTimeCol("time").transform(frame)),
                Map.entry("sku", () -> new ItemIndexer().setInputCol("sku").fit(frame)),
                Map.entry("seq", () -> new dev.sasrec.spark.sequence.SequenceBuilder().setInputCol("seq").transform(frame)),
                Map.entry("history", () -> new dev.sasrec.spark.sequence.LeaveOneOutSplitter().setInputCol("history").transform(frame)),
                Map.entry("itemIndex", () -> tiny().fit(frame)),
                Map.entry("indices", () -> model.setItemsCol("indices").transform(frame)));
        for (Map.Entry<String, Runnable> c : missing) {
            String message = failure(c.getValue());
            assertTrue(message.contains("column " + c.getKey() + " does not exist; " + available), c.getKey() + " -> " + message);
        }
    }

    @Test
    void aUserWhoHasSeenAlmostEveryItemGetsFewerThanKRecommendations() {
        SASRecModel model = SASRecModel.fromNetwork(dev.sasrec.engine.model.SasRecNetwork.initialise(
                dev.sasrec.engine.model.SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 20).build(), 12), null).setK(5);
        Dataset<Row> users = SequenceFrames.of(spark, new int[][]{
                {1, 2, 3, 4, 5, 6, 7, 8, 9, 10},              // items 11 and 12 left
                {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},      // every item seen
                {3, 4}});
        List<Row> out = model.transform(users).orderBy("user").collectAsList();
        List<Integer> left = out.get(0).<Row>getList(out.get(0).fieldIndex("recommendations")).stream().map(r -> r.getInt(0)).sorted().toList();
        assertEquals(List.of(11, 12), left);
        assertEquals(0, out.get(1).getList(out.get(1).fieldIndex("recommendations")).size());
        assertEquals(5, out.get(2).getList(out.get(2).fieldIndex("recommendations")).size());
        List<Row> withSeen = model.setExcludeSeen(false).transform(users).orderBy("user").collectAsList();
        assertEquals(5, withSeen.get(1).getList(withSeen.get(1).fieldIndex("recommendations")).size(),
                "with excludeSeen=false seen items are recommended");
    }

    @Test
    void aDivergingFitStopsNamingTheEpochAndStep() {
        Dataset<Row> log = spark.createDataFrame(validEvents(60), DOUBLE_TIMES);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[]{new Sessionizer(),
                new ItemIndexer().setInputCol("items").setOutputCol("itemIndex"),
                tiny().setLearningRate(1e30).setMaxEpochs(3).setNumWorkers(1).setAveragingFrequency(1)});
        String message = failure(() -> pipeline.fit(log));
        assertTrue(message.matches("(?s).*loss is (NaN|-?Infinity) at epoch \\d+, step \\d+.*"), message);
    }

    @Test
    void aTruncatedOrForeignModelDirectoryIsNamedOnLoad(@TempDir Path dir) throws Exception {
        Dataset<Row> log = spark.createDataFrame(validEvents(40), DOUBLE_TIMES);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[]{new Sessionizer(),
                new ItemIndexer().setInputCol("items").setOutputCol("itemIndex"), tiny()}).fit(log);
        SASRecModel model = (SASRecModel) fitted.stages()[2];
        String path = dir.resolve("model").toString();
        model.write().save(path);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("model").resolve("network.sasrec").toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        // The local file system keeps a checksum beside each file and names the damaged one ...
        String message = failure(() -> SASRecModel.load(path));
        assertTrue(message.contains("cannot read SASRec model from " + path) && message.contains("network.sasrec"), message);
        // ... and where there is none (a copy made by other tools, an object store), the format itself tells.
        java.nio.file.Files.delete(dir.resolve("model").resolve(".network.sasrec.crc"));
        message = failure(() -> SASRecModel.load(path));
        assertTrue(message.contains(path + "/network.sasrec is truncated"), message);

        // A flipped byte: Hadoop's checksum names the file first, and without it the format's own checksum does.
        String flipped = dir.resolve("flipped").toString();
        model.write().save(flipped);
        Path network = dir.resolve("flipped").resolve("network.sasrec");
        byte[] bytes = java.nio.file.Files.readAllBytes(network);
        bytes[bytes.length - 100] ^= 0x10;
        java.nio.file.Files.write(network, bytes);
        message = failure(() -> SASRecModel.load(flipped));
        assertTrue(message.contains("cannot read SASRec model from " + flipped) && message.contains("network.sasrec")
                && message.contains("Checksum"), message);
        java.nio.file.Files.delete(dir.resolve("flipped").resolve(".network.sasrec.crc"));
        message = failure(() -> SASRecModel.load(flipped));
        assertTrue(message.contains(flipped + "/network.sasrec is corrupt: checksum mismatch"), message);

        String other = dir.resolve("other").toString();
        model.write().save(other);
        java.nio.file.Files.writeString(dir.resolve("other").resolve("FORMAT"), "sasrec-spark-model 99\n");
        java.nio.file.Files.delete(dir.resolve("other").resolve(".FORMAT.crc"));
        message = failure(() -> SASRecModel.load(other));
        assertTrue(message.contains("holds 'sasrec-spark-model 99', this library reads sasrec-spark-model"), message);

        String missing = dir.resolve("never-written").toString();
        message = failure(() -> SASRecModel.load(missing));
        assertTrue(message.contains(missing), message);
        message = failure(() -> PipelineModel.load(missing));
        assertTrue(message.contains(missing), message);
    }
}
