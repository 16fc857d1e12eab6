package dev.sasrec.spark.index;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;

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

    /** The raw id of index 1..N as a String or Long. */
    public Object itemOf(int index) {
        String label = labels[index - 1];
        return type.equals(DataTypes.LongType) ? (Object) Long.parseLong(label) : label;
    }
}
