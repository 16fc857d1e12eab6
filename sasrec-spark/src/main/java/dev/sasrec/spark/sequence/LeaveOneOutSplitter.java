package dev.sasrec.spark.sequence;

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
public final class LeaveOneOutSplitter extends Transformer implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> trainCol;
    private final Param<String> validationTargetCol;
    private final Param<String> testInputCol;
    private final Param<String> testTargetCol;

    /** A splitter with a random uid. */
    public LeaveOneOutSplitter() {
        this(Identifiable$.MODULE$.randomUID("leaveOneOutSplitter"));
    }

    /** A splitter with the given uid. */
    public LeaveOneOutSplitter(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "indexed items in time order, array<int>; default itemIndex");
        trainCol = new Param<>(this, "trainCol", "training items (also the validation input); default train");
        validationTargetCol = new Param<>(this, "validationTargetCol", "validation target item; default validationTarget");
        testInputCol = new Param<>(this, "testInputCol", "test input: training items and the validation item; default testInput");
        testTargetCol = new Param<>(this, "testTargetCol", "test target item; default testTarget");
        setDefault(inputCol, "itemIndex");
        setDefault(trainCol, "train");
        setDefault(validationTargetCol, "validationTarget");
        setDefault(testInputCol, "testInput");
        setDefault(testTargetCol, "testTarget");
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return input column param */
    public Param<String> inputCol() { return inputCol; }
    /** @return training column param */
    public Param<String> trainCol() { return trainCol; }
    /** @return validation target column param */
    public Param<String> validationTargetCol() { return validationTargetCol; }
    /** @return test input column param */
    public Param<String> testInputCol() { return testInputCol; }
    /** @return test target column param */
    public Param<String> testTargetCol() { return testTargetCol; }

    /** @param v input column */
    public LeaveOneOutSplitter setInputCol(String v) { set(inputCol, v); return this; }
    /** @param v training column */
    public LeaveOneOutSplitter setTrainCol(String v) { set(trainCol, v); return this; }
    /** @param v validation target column */
    public LeaveOneOutSplitter setValidationTargetCol(String v) { set(validationTargetCol, v); return this; }
    /** @param v test input column */
    public LeaveOneOutSplitter setTestInputCol(String v) { set(testInputCol, v); return this; }
    /** @param v test target column */
    public LeaveOneOutSplitter setTestTargetCol(String v) { set(testTargetCol, v); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        StructField in = Columns.intArray(schema, $(inputCol));
        Metadata vocabulary = ItemVocabulary.of(in).map(ItemVocabulary::toMetadata).orElse(Metadata.empty());
        StructType out = schema;
        for (Param<String> p : java.util.List.of(trainCol, validationTargetCol, testInputCol, testTargetCol)) {
            Columns.requireAbsent(out, $(p));
            boolean array = p == trainCol || p == testInputCol;
            out = out.add(new StructField($(p), array ? new ArrayType(DataTypes.IntegerType, false) : DataTypes.IntegerType,
                    p != trainCol, vocabulary));
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema());
        Column items = col($(inputCol));
        Column n = size(items);
        Column split = n.geq(3);
        return dataset
                .withColumn($(trainCol), when(split, slice(items, lit(1), n.minus(2))).otherwise(items),
                        schema.apply($(trainCol)).metadata())
                .withColumn($(validationTargetCol), when(split, element_at(items, -2)),
                        schema.apply($(validationTargetCol)).metadata())
                .withColumn($(testInputCol), when(split, slice(items, lit(1), n.minus(1))),
                        schema.apply($(testInputCol)).metadata())
                .withColumn($(testTargetCol), when(split, element_at(items, -1)),
                        schema.apply($(testTargetCol)).metadata());
    }

    @Override
    public LeaveOneOutSplitter copy(ParamMap extra) { return defaultCopy(extra); }

    /** Reader of saved splitters ({@code Pipeline} loading calls it). */
    public static MLReader<LeaveOneOutSplitter> read() { return new DefaultParamsReader<>(); }
    /** Loads a splitter saved with {@code write()}. */
    public static LeaveOneOutSplitter load(String path) { return read().load(path); }
}
