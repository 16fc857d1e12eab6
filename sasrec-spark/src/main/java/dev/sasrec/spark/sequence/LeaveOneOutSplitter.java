package dev.sasrec.spark.sequence;

import dev.sasrec.spark.params.DefaultedParams;
import dev.sasrec.spark.index.ItemVocabulary;
import dev.sasrec.spark.schema.Columns;
import org.apache.spark.ml.Transformer;
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

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.when;

/**
 * The paper's leave-one-out split of each user's time-ordered items: the last item is the test target, the one
 * before it the validation target, the rest the training sequence. The validation input is the training
 * sequence; the test input is the training sequence plus the validation item. Users with fewer than 3 items keep
 * everything for training and get null targets.
 */
public final class LeaveOneOutSplitter extends Transformer implements IndexedItemsInput<LeaveOneOutSplitter>, DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;

    /** A splitter with a random uid. */
    public LeaveOneOutSplitter() {
        this(Identifiable$.MODULE$.randomUID("leaveOneOutSplitter"));
    }

    /** A splitter with the given uid. */
    public LeaveOneOutSplitter(String uid) {
        this.uid = uid;
        DefaultedParams.initialise(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return training items column param */
    public Param<String> trainCol() {
        return DefaultedParams.string(this, "trainCol",
                "training items (also the validation input)", "train");
    }
    /** @return training items column */
    public String getTrainCol() { return getOrDefault(trainCol()); }
    /** @param v training items column */
    public LeaveOneOutSplitter setTrainCol(String v) { set(trainCol(), v); return this; }

    /** @return validation target column param */
    public Param<String> validationTargetCol() {
        return DefaultedParams.string(this, "validationTargetCol",
                "validation target item", "validationTarget");
    }
    /** @return validation target column */
    public String getValidationTargetCol() { return getOrDefault(validationTargetCol()); }
    /** @param v validation target column */
    public LeaveOneOutSplitter setValidationTargetCol(String v) { set(validationTargetCol(), v); return this; }

    /** @return test input column param */
    public Param<String> testInputCol() {
        return DefaultedParams.string(this, "testInputCol",
                "test input: training items and the validation item", "testInput");
    }
    /** @return test input column */
    public String getTestInputCol() { return getOrDefault(testInputCol()); }
    /** @param v test input column */
    public LeaveOneOutSplitter setTestInputCol(String v) { set(testInputCol(), v); return this; }

    /** @return test target column param */
    public Param<String> testTargetCol() {
        return DefaultedParams.string(this, "testTargetCol",
                "test target item", "testTarget");
    }
    /** @return test target column */
    public String getTestTargetCol() { return getOrDefault(testTargetCol()); }
    /** @param v test target column */
    public LeaveOneOutSplitter setTestTargetCol(String v) { set(testTargetCol(), v); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        StructField in = Columns.intArray(schema, getInputCol());
        Metadata vocabulary = ItemVocabulary.of(in).map(ItemVocabulary::toMetadata).orElse(Metadata.empty());
        StructType out = schema;
        for (Param<String> p : java.util.List.of(trainCol(), validationTargetCol(), testInputCol(), testTargetCol())) {
            Columns.requireAbsent(out, $(p));
            boolean array = p.equals(trainCol()) || p.equals(testInputCol());
            out = out.add(new StructField($(p), array ? new ArrayType(DataTypes.IntegerType, false) : DataTypes.IntegerType,
                    !p.equals(trainCol()), vocabulary));
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema());
        Column items = col(getInputCol());
        Column n = size(items);
        Column split = n.geq(3);
        return dataset
                .withColumn(getTrainCol(), when(split, slice(items, lit(1), n.minus(2))).otherwise(items),
                        schema.apply(getTrainCol()).metadata())
                .withColumn(getValidationTargetCol(), when(split, element_at(items, -2)),
                        schema.apply(getValidationTargetCol()).metadata())
                .withColumn(getTestInputCol(), when(split, slice(items, lit(1), n.minus(1))),
                        schema.apply(getTestInputCol()).metadata())
                .withColumn(getTestTargetCol(), when(split, element_at(items, -1)),
                        schema.apply(getTestTargetCol()).metadata());
    }

    @Override
    public LeaveOneOutSplitter copy(ParamMap extra) { return defaultCopy(extra); }

    /** Reader of saved splitters ({@code Pipeline} loading calls it). */
    public static MLReader<LeaveOneOutSplitter> read() { return new DefaultParamsReader<>(); }
    /** Loads a splitter saved with {@code write()}. */
    public static LeaveOneOutSplitter load(String path) { return read().load(path); }
}
