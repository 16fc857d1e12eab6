package dev.sasrec.spark.sequence;

import dev.sasrec.spark.params.DefaultedParams;
import dev.sasrec.spark.index.ItemVocabulary;
import dev.sasrec.spark.schema.Columns;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import static org.apache.spark.sql.functions.array_repeat;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;

/**
 * Fixed-length model input from an indexed item sequence: drops 0 (the padding id, also what unknown items map
 * to), keeps the last {@code maxLen} items and left-pads with 0 to exactly {@code maxLen}. The vocabulary in the
 * input column's metadata is kept.
 */
public final class SequenceBuilder extends Transformer implements IndexedItemsInput<SequenceBuilder>, DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;

    /** A builder with a random uid. */
    public SequenceBuilder() {
        this(Identifiable$.MODULE$.randomUID("sequenceBuilder"));
    }

    /** A builder with the given uid. */
    public SequenceBuilder(String uid) {
        this.uid = uid;
        DefaultedParams.initialise(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return output column param */
    public Param<String> outputCol() {
        return DefaultedParams.string(this, "outputCol",
                "last maxLen items, left-padded with 0", "sequence");
    }
    /** @return output column */
    public String getOutputCol() { return getOrDefault(outputCol()); }
    /** @param v output column */
    public SequenceBuilder setOutputCol(String v) { set(outputCol(), v); return this; }

    /** @return sequence length n param */
    public IntParam maxLen() { return DefaultedParams.atLeast(this, "maxLen", "sequence length n", 200, 1); }
    /** @return sequence length n */
    public int getMaxLen() { return (Integer) getOrDefault(maxLen()); }
    /** @param v sequence length n */
    public SequenceBuilder setMaxLen(int v) { set(maxLen(), v); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        StructField in = Columns.intArray(schema, getInputCol());
        Columns.requireAbsent(schema, getOutputCol());
        return schema.add(new StructField(getOutputCol(), new ArrayType(DataTypes.IntegerType, false), false,
                ItemVocabulary.of(in).map(ItemVocabulary::toMetadata).orElse(Metadata.empty())));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        int n = getMaxLen();
        Column items = filter(col(getInputCol()), x -> x.gt(0));
        Column kept = slice(items, greatest(size(items).minus(n).plus(1), lit(1)), lit(n));
        Column padded = concat(array_repeat(lit(0), greatest(lit(n).minus(size(kept)), lit(0))), kept);
        return dataset.withColumn(getOutputCol(), padded, out.apply(getOutputCol()).metadata());
    }

    @Override
    public SequenceBuilder copy(ParamMap extra) { return defaultCopy(extra); }

    /** Reader of saved builders ({@code Pipeline} loading calls it). */
    public static MLReader<SequenceBuilder> read() { return new DefaultParamsReader<>(); }
    /** Loads a builder saved with {@code write()}. */
    public static SequenceBuilder load(String path) { return read().load(path); }
}
