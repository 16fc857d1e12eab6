package dev.sasrec.spark.sessions;

import dev.sasrec.spark.SparkTestSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionizerTest {

    private static SparkSession spark;
    private static final StructType LOG = new StructType()
            .add("user", DataTypes.StringType)
            .add("item", DataTypes.LongType)
            .add("timestamp", DataTypes.LongType);

    @BeforeAll
    static void start() {
        spark = SparkTestSession.get();
    }

    /** user -> list of item lists (one per session), read back from the output. */
    private static Map<String, List<List<Long>>> collect(Dataset<Row> out, boolean sessions) {
        Map<String, List<List<Long>>> m = new HashMap<>();
        List<Row> rows = new ArrayList<>(out.collectAsList());
        rows.sort((a, b) -> sessions ? Integer.compare(a.getInt(1), b.getInt(1)) : 0);
        for (Row r : rows) {
            List<Long> items = r.getList(sessions ? 2 : 1);
            m.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new ArrayList<>(items));
        }
        return m;
    }

    @Test
    void ordersEventsGivenInShuffledOrderWithADeterministicTieBreak() {
        List<Row> rows = new ArrayList<>();
        for (long t = 0; t < 50; t++) {
            rows.add(RowFactory.create("a", 1000 + t, 100 * t));
            rows.add(RowFactory.create("b", 2000 + t, 50 * t));
        }
        rows.add(RowFactory.create("b", 5L, 0L));      // same time as item 2000: the smaller item id goes first
        Collections.shuffle(rows, new Random(3));
        Dataset<Row> log = spark.createDataFrame(rows, LOG).repartition(5);
        Map<String, List<List<Long>>> out = collect(new Sessionizer().transform(log), false);
        List<Long> a = out.get("a").get(0);
        List<Long> b = out.get("b").get(0);
        assertEquals(50, a.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(1000L + i, a.get(i));
        }
        assertEquals(51, b.size());
        assertEquals(5L, b.get(0));
        assertEquals(2000L, b.get(1));
        assertEquals(2049L, b.get(50));
    }

    @Test
    void splitsSessionsOnInactivityAndDropsRepeats() {
        List<Row> rows = List.of(
                RowFactory.create("u", 1L, 0L), RowFactory.create("u", 1L, 10L), RowFactory.create("u", 2L, 20L),
                RowFactory.create("u", 2L, 5000L), RowFactory.create("u", 3L, 5030L),
                RowFactory.create("v", 9L, 100L));
        Dataset<Row> log = spark.createDataFrame(rows, LOG);
        Dataset<Row> out = new Sessionizer().setSessionGapSeconds(1800).setDropRepeats(true).transform(log);
        assertEquals(List.of("user", "session", "items"), List.of(out.columns()));
        Map<String, List<List<Long>>> m = collect(out, true);
        assertEquals(List.of(List.of(1L, 2L), List.of(2L, 3L)), m.get("u"));
        assertEquals(List.of(List.of(9L)), m.get("v"));

        Map<String, List<List<Long>>> whole = collect(new Sessionizer().transform(log), false);
        assertEquals(List.of(List.of(1L, 1L, 2L, 2L, 3L)), whole.get("u"));
    }

    @Test
    void acceptsTimestampsAndMilliseconds() {
        StructType ts = new StructType().add("u", DataTypes.IntegerType).add("i", DataTypes.StringType)
                .add("when", DataTypes.TimestampType);
        Dataset<Row> log = spark.createDataFrame(List.of(
                RowFactory.create(1, "late", Timestamp.valueOf("2024-01-02 00:00:00")),
                RowFactory.create(1, "early", Timestamp.valueOf("2024-01-01 00:00:00"))), ts);
        Row r = new Sessionizer().setUserCol("u").setItemCol("i").setTimeCol("when").transform(log).first();
        assertEquals(List.of("early", "late"), r.getList(1));

        Dataset<Row> millis = spark.createDataFrame(List.of(
                RowFactory.create("u", 1L, 0L), RowFactory.create("u", 2L, 1_000_000L), RowFactory.create("u", 3L, 1_500_000L)), LOG);
        Dataset<Row> out = new Sessionizer().setTimeUnit("milliseconds").setSessionGapSeconds(600).transform(millis);
        assertEquals(List.of(List.of(1L), List.of(2L, 3L)), collect(out, true).get("u"));
    }

    @Test
    void nullsFailNamingTheColumnOrAreSkipped() {
        Dataset<Row> nullItem = spark.createDataFrame(List.of(RowFactory.create("u", 1L, 0L), RowFactory.create("u", null, 5L)), LOG);
        String message = failure(() -> new Sessionizer().transform(nullItem).collectAsList());
        assertTrue(message.contains("column item is null") && message.contains("handleInvalid=skip"), message);
        Dataset<Row> nullUser = spark.createDataFrame(List.of(RowFactory.create("u", 1L, 0L), RowFactory.create(null, 3L, 7L)), LOG);
        message = failure(() -> new Sessionizer().transform(nullUser).collectAsList());
        assertTrue(message.contains("column user is null") && message.contains("handleInvalid=skip"), message);

        Dataset<Row> log = nullItem.union(nullUser.filter("user is null"));
        Sessionizer skipping = new Sessionizer().setHandleInvalid("skip");
        assertEquals(Map.of(Sessionizer.USER_INVALID, 1L, Sessionizer.ITEM_INVALID, 1L), skipping.invalidEvents(log));
        assertEquals(Map.of("u", List.of(List.of(1L))), collect(skipping.transform(log), false));
    }

    private static String failure(org.junit.jupiter.api.function.Executable run) {
        Exception e = assertThrows(Exception.class, run);
        StringBuilder m = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            m.append(t.getMessage()).append('\n');
        }
        return m.toString();
    }

    @Test
    void schemaErrorsNameTheColumn() {
        Dataset<Row> log = spark.createDataFrame(List.of(RowFactory.create("u", 1L, 0L)), LOG);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sessionizer().setItemCol("product").transform(log));
        assertTrue(e.getMessage().contains("product") && e.getMessage().contains("item"), e.getMessage());
        Dataset<Row> textTime = log.withColumn("timestamp", log.col("timestamp").cast("string"));
        e = assertThrows(IllegalArgumentException.class, () -> new Sessionizer().transform(textTime));
        assertTrue(e.getMessage().contains("timestamp") && e.getMessage().contains("string"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Sessionizer().setTimeUnit("hours"));
        assertTrue(e.getMessage().contains("timeUnit") && e.getMessage().contains("hours"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Sessionizer().setSessionGapSeconds(-1));
        assertTrue(e.getMessage().contains("sessionGapSeconds") && e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void paramsCopyAndPersistenceBehaveLikeSparkStages(@TempDir Path dir) throws Exception {
        Sessionizer s = new Sessionizer().setUserCol("u").setSessionGapSeconds(60).setDropRepeats(true);
        assertTrue(s.uid().startsWith("sessionizer_"));
        assertEquals("items", s.getOrDefault(s.outputCol()));
        assertFalse(s.isSet(s.outputCol()));
        Sessionizer copy = s.copy(new org.apache.spark.ml.param.ParamMap().put(s.outputCol().w("seq")));
        assertEquals(s.uid(), copy.uid());
        assertEquals("seq", copy.getOrDefault(copy.outputCol()));
        assertEquals("items", s.getOrDefault(s.outputCol()));
        assertNotEquals(new Sessionizer().uid(), new Sessionizer().uid());

        String path = dir.resolve("sessionizer").toString();
        s.write().save(path);
        Sessionizer back = Sessionizer.load(path);
        assertEquals(s.uid(), back.uid());
        assertEquals("u", back.getOrDefault(back.userCol()));
        assertEquals(60L, back.getOrDefault(back.sessionGapSeconds()));
        assertEquals(true, back.getOrDefault(back.dropRepeats()));
    }
}
