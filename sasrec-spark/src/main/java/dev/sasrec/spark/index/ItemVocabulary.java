package dev.sasrec.spark.index;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The item vocabulary carried in a column's metadata: {@link ItemIndexerModel} attaches it to its output column,
 * sequence stages keep it, and the SASRec estimator reads it so that recommendations come back in raw ids.
 *
 * @param labels raw ids as strings; {@code labels[i]} has index i + 1
 * @param type   the Spark type of raw ids (string or long)
 */
public record ItemVocabulary(String[] labels, DataType type) implements java.io.Serializable {

    private static final String KEY = "sasrec_items";

    /** The metadata holding this vocabulary. */
    public Metadata toMetadata() {
        Metadata inner = new MetadataBuilder()
                .putStringArray("labels", labels)
                .putString("type", type.equals(DataTypes.LongType) ? "long" : "string")
                .build();
        return new MetadataBuilder().putMetadata(KEY, inner).build();
    }

    /** The vocabulary attached to {@code field}, if any. */
    public static Optional<ItemVocabulary> of(StructField field) {
        Metadata m = field.metadata();
        if (!m.contains(KEY)) {
            return Optional.empty();
        }
        Metadata inner = m.getMetadata(KEY);
        DataType type = inner.getString("type").equals("long") ? DataTypes.LongType : DataTypes.StringType;
        return Optional.of(new ItemVocabulary(inner.getStringArray("labels"), type));
    }

    /** Number of items N. */
    public int size() {
        return labels.length;
    }

    /** Saves the vocabulary as Parquet at {@code path}: {@code index} (int) and {@code item} (string or long). */
    public void write(SparkSession spark, String path) {
        List<Row> rows = new ArrayList<>(labels.length);
        for (int i = 1; i <= labels.length; i++) {
            rows.add(RowFactory.create(i, itemOf(i)));
        }
        StructType schema = new StructType().add("index", DataTypes.IntegerType, false).add("item", type, false);
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);
    }

    /** Reads a vocabulary saved with {@link #write}; the item column's type gives the raw id type. */
    public static ItemVocabulary read(SparkSession spark, String path) {
        Dataset<Row> data = spark.read().parquet(path);
        DataType type = data.schema().apply("item").dataType();
        if (!type.equals(DataTypes.LongType) && !type.equals(DataTypes.StringType)) {
            throw new IllegalStateException(path + ": item column of type " + type.simpleString() + ", expected string or long");
        }
        List<Row> rows = data.orderBy("index").collectAsList();
        String[] labels = new String[rows.size()];
        for (int i = 0; i < labels.length; i++) {
            Row r = rows.get(i);
            if (r.getInt(0) != i + 1) {
                throw new IllegalStateException(path + " is corrupt: index " + r.getInt(0) + " where " + (i + 1) + " was expected");
            }
            labels[i] = r.get(1).toString();
        }
        return new ItemVocabulary(labels, type);
    }

    /** The raw id of index 1..N as a String or Long. */
    public Object itemOf(int index) {
        String label = labels[index - 1];
        return type.equals(DataTypes.LongType) ? (Object) Long.parseLong(label) : label;
    }
}
