package dev.sasrec.spark.index;

import dev.sasrec.spark.SparkTestSession;
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

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ItemIndexerTest {

    private static SparkSession spark;
    private static Dataset<Row> events;
    private static Dataset<Row> sequences;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.get();
        StructType log = new StructType().add("user", DataTypes.StringType).add("item", DataTypes.LongType);
        // item 30: 3 times, 10 and 20: twice (tie: 10 first), 40: once
        events = spark.createDataFrame(List.of(
                RowFactory.create("a", 30L), RowFactory.create("a", 20L), RowFactory.create("b", 30L),
                RowFactory.create("b", 10L), RowFactory.create("c", 10L), RowFactory.create("c", 30L),
                RowFactory.create("c", 20L), RowFactory.create("c", 40L)), log);
        StructType seq = new StructType().add("user", DataTypes.StringType)
                .add("items", new ArrayType(DataTypes.StringType, false));
        sequences = spark.createDataFrame(List.of(
                RowFactory.create("a", List.of("x", "y", "x").toArray()),
                RowFactory.create("b", List.of("z", "x").toArray())), seq);
    }

    @Test
    void indexesByDescendingFrequencyFromOne() {
        ItemIndexerModel model = new ItemIndexer().fit(events);
        assertEquals(4, model.numItems());
        assertArrayEquals(new String[]{"30", "10", "20", "40"}, model.labels());
        assertEquals(30L, model.itemOf(1));
        assertEquals(40L, model.itemOf(4));
        assertEquals(DataTypes.LongType, model.itemType());
        List<Row> rows = model.transform(events).select("item", "itemIndex").collectAsList();
        for (Row r : rows) {
            assertEquals(r.getLong(0), model.itemOf(r.getInt(1)));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.itemOf(0));
        assertTrue(e.getMessage().contains("index 0 is outside 1.."), e.getMessage());
    }

    @Test
    void indexesArrayColumnsAndHandlesUnknownIds() {
        ItemIndexerModel model = new ItemIndexer().setInputCol("items").setOutputCol("ids").fit(sequences);
        assertArrayEquals(new String[]{"x", "y", "z"}, model.labels());
        Row a = model.transform(sequences).filter("user = 'a'").first();
        assertEquals(List.of(1, 2, 1), a.getList(a.fieldIndex("ids")));

        StructType seq = sequences.schema();
        Dataset<Row> unseen = spark.createDataFrame(List.of(RowFactory.create("c", List.of("x", "new", "z").toArray())), seq);
        Exception e = assertThrows(Exception.class, () -> model.transform(unseen).collectAsList());
        String message = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(message.contains("column items") && message.contains("'new'") && message.contains("handleInvalid"), message);
        assertEquals(List.of(1, 3), model.setHandleInvalid("skip").transform(unseen).first().getList(2));
        assertEquals(List.of(1, 0, 3), model.setHandleInvalid("keep").transform(unseen).first().getList(2));
    }

    @Test
    void skipDropsRowsWithUnknownScalarIds() {
        ItemIndexerModel model = new ItemIndexer().fit(events.filter("item != 40"));
        assertEquals(7, model.setHandleInvalid("skip").transform(events).count());
        assertEquals(8, model.setHandleInvalid("keep").transform(events).count());
        assertEquals(1, model.setHandleInvalid("keep").transform(events).filter("itemIndex = 0").count());
    }

    @Test
    void wrongTypesAndMissingColumnsAreNamed() {
        Dataset<Row> doubles = events.withColumn("item", events.col("item").cast("double"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ItemIndexer().fit(doubles));
        assertTrue(e.getMessage().contains("column item") && e.getMessage().contains("double"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ItemIndexer().setInputCol("sku").fit(events));
        assertTrue(e.getMessage().contains("sku"), e.getMessage());
    }

    @Test
    void estimatorAndModelRoundTrip(@TempDir Path dir) throws Exception {
        ItemIndexer indexer = new ItemIndexer().setHandleInvalid("keep");
        indexer.write().save(dir.resolve("indexer").toString());
        ItemIndexer indexerBack = ItemIndexer.load(dir.resolve("indexer").toString());
        assertEquals(indexer.uid(), indexerBack.uid());
        assertEquals("keep", indexerBack.getOrDefault(indexerBack.handleInvalid()));

        ItemIndexerModel model = indexer.fit(events);
        model.write().save(dir.resolve("model").toString());
        ItemIndexerModel back = ItemIndexerModel.load(dir.resolve("model").toString());
        assertEquals(model.uid(), back.uid());
        assertArrayEquals(model.labels(), back.labels());
        assertEquals(DataTypes.LongType, back.itemType());
        assertEquals("keep", back.getOrDefault(back.handleInvalid()));
        assertEquals(model.transform(events).orderBy("user", "item").collectAsList(),
                back.transform(events).orderBy("user", "item").collectAsList());
    }
}
