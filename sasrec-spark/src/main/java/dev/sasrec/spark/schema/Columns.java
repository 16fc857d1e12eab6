package dev.sasrec.spark.schema;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

/** Schema checks shared by the stages; every message names the column. */
public final class Columns {

    private Columns() {
    }

    /** The field {@code name}, which must be an {@code array<int>}. */
    public static StructField intArray(StructType schema, String name) {
        StructField f = existing(schema, name);
        if (!(f.dataType() instanceof ArrayType a) || !a.elementType().equals(DataTypes.IntegerType)) {
            throw new IllegalArgumentException("column " + name + ": type " + f.dataType().simpleString()
                    + ", expected array<int> of item indices (see ItemIndexer)");
        }
        return f;
    }

    /** The field {@code name}, which must exist. */
    public static StructField existing(StructType schema, String name) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("column " + name + " does not exist; available columns: "
                    + String.join(", ", schema.fieldNames()));
        }
        return schema.apply(name);
    }

    /** True where {@code column} is null, or an empty or blank string. */
    public static org.apache.spark.sql.Column blank(StructType schema, String column) {
        org.apache.spark.sql.Column c = org.apache.spark.sql.functions.col(column);
        return schema.apply(column).dataType().equals(DataTypes.StringType)
                ? c.isNull().or(org.apache.spark.sql.functions.trim(c).equalTo("")) : c.isNull();
    }

    /** Fails when {@code name} already exists. */
    public static void requireAbsent(StructType schema, String name) {
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("output column " + name + " already exists");
        }
    }
}
