package dev.sasrec.spark.sequence;

import dev.sasrec.spark.SparkTestSession;
import dev.sasrec.spark.index.ItemIndexer;
import dev.sasrec.spark.index.ItemVocabulary;
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
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequenceStagesTest {

    private static SparkSession spark;
    private static Dataset<Row> indexed;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.get();
        StructType schema = new StructType().add("user", DataTypes.StringType)
                .add("items", new ArrayType(DataTypes.StringType, false));
        Dataset<Row> seqs = spark.createDataFrame(List.of(
                RowFactory.create("long", new String[]{"a", "b", "c", "d", "e", "f"}),
                RowFactory.create("two", new String[]{"a", "b"}),
                RowFactory.create("three", new String[]{"c", "a", "b"})), schema);
        indexed = new ItemIndexer().setInputCol("items").fit(seqs).transform(seqs);
    }

    private static List<Integer> ints(Row r, String col) {
        return r.getList(r.fieldIndex(col));
    }

    @Test
    void truncatesLeftPadsDropsZerosAndKeepsTheVocabulary() {
        Dataset<Row> out = new SequenceBuilder().setMaxLen(4).transform(indexed);
        Row longRow = out.filter("user = 'long'").first();
        List<Integer> all = ints(longRow, "itemIndex");
        assertEquals(all.subList(2, 6), ints(longRow, "sequence"));
        assertEquals(Arrays.asList(0, 0, ints(out.filter("user = 'two'").first(), "itemIndex").get(0),
                ints(out.filter("user = 'two'").first(), "itemIndex").get(1)), ints(out.filter("user = 'two'").first(), "sequence"));
        assertTrue(ItemVocabulary.of(out.schema().apply("sequence")).isPresent());
        assertArrayEquals(ItemVocabulary.of(indexed.schema().apply("itemIndex")).get().labels(),
                ItemVocabulary.of(out.schema().apply("sequence")).get().labels());

        StructType raw = new StructType().add("s", new ArrayType(DataTypes.IntegerType, false));
        Dataset<Row> withZeros = spark.createDataFrame(List.of(RowFactory.create((Object) new Integer[]{3, 0, 5, 0, 7})), raw);
        assertEquals(List.of(0, 3, 5, 7), ints(new SequenceBuilder().setInputCol("s").setOutputCol("o").setMaxLen(4)
                .transform(withZeros).first(), "o"));
    }

    @Test
    void splitsLeaveOneOut() {
        Dataset<Row> out = new LeaveOneOutSplitter().transform(indexed);
        Row longRow = out.filter("user = 'long'").first();
        List<Integer> all = ints(longRow, "itemIndex");
        assertEquals(all.subList(0, 4), ints(longRow, "train"));
        assertEquals(all.get(4), longRow.getInt(longRow.fieldIndex("validationTarget")));
        assertEquals(all.subList(0, 5), ints(longRow, "testInput"));
        assertEquals(all.get(5), longRow.getInt(longRow.fieldIndex("testTarget")));
        Row two = out.filter("user = 'two'").first();
        assertEquals(ints(two, "itemIndex"), ints(two, "train"));
        assertNull(two.get(two.fieldIndex("validationTarget")));
        assertNull(two.get(two.fieldIndex("testTarget")));
        Row three = out.filter("user = 'three'").first();
        assertEquals(1, ints(three, "train").size());
        assertTrue(ItemVocabulary.of(out.schema().apply("testInput")).isPresent());
    }

    @Test
    void wrongInputTypesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SequenceBuilder().setInputCol("items").transform(indexed));
        assertTrue(e.getMessage().contains("column items") && e.getMessage().contains("array<int>"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SequenceBuilder().setMaxLen(0));
        assertTrue(e.getMessage().contains("maxLen") && e.getMessage().contains("invalid value 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LeaveOneOutSplitter().setInputCol("nope").transform(indexed));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void stagesRoundTrip(@TempDir Path dir) throws Exception {
        SequenceBuilder b = new SequenceBuilder().setMaxLen(7).setOutputCol("x");
        b.write().save(dir.resolve("b").toString());
        SequenceBuilder bBack = SequenceBuilder.load(dir.resolve("b").toString());
        assertEquals(b.uid(), bBack.uid());
        assertEquals(7, bBack.getOrDefault(bBack.maxLen()));
        LeaveOneOutSplitter s = new LeaveOneOutSplitter().setTrainCol("t");
        s.write().save(dir.resolve("s").toString());
        LeaveOneOutSplitter sBack = LeaveOneOutSplitter.load(dir.resolve("s").toString());
        assertEquals("t", sBack.getOrDefault(sBack.trainCol()));
    }
}
