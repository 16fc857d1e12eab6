package dev.sasrec.spark.index;

import dev.sasrec.spark.schema.Columns;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;


/** The kind of raw item id a vocabulary was fitted on: string or integral. */
enum ItemIds {
    STRING(DataTypes.StringType),
    LONG(DataTypes.LongType);

    private final DataType sparkType;

    ItemIds(DataType sparkType) {
        this.sparkType = sparkType;
    }

    /** The Spark type raw ids are returned in. */
    DataType sparkType() {
        return sparkType;
    }

    /** The kind of {@code type}, or an error naming {@code column}. */
    static ItemIds of(DataType type, String column) {
        if (type.equals(DataTypes.StringType)) {
            return STRING;
        }
        if (type.equals(DataTypes.LongType) || type.equals(DataTypes.IntegerType)
                || type.equals(DataTypes.ShortType) || type.equals(DataTypes.ByteType)) {
            return LONG;
        }
        throw new IllegalArgumentException("column " + column + ": type " + type.simpleString()
                + ", expected string or integral item ids (or an array of them)");
    }

    /** A raw id as stored in the vocabulary. */
    static String key(Object raw) {
        return raw.toString();
    }

    /** The schema with {@code output} added: int, or array of int for an array input. */
    static StructType outputSchema(StructType schema, String input, String output) {
        DataType type = Columns.existing(schema, input).dataType();
        Columns.requireAbsent(schema, output);
        boolean array = type instanceof ArrayType;
        of(array ? ((ArrayType) type).elementType() : type, input);
        DataType out = array ? new ArrayType(DataTypes.IntegerType, false) : DataTypes.IntegerType;
        return schema.add(new StructField(output, out, false, org.apache.spark.sql.types.Metadata.empty()));
    }
}
