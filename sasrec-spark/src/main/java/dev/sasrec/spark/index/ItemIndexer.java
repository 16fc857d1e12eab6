package dev.sasrec.spark.index;

import dev.sasrec.spark.params.DefaultedParams;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

/**
 * Learns the item vocabulary: raw item ids (string or integral, in a plain or an array column) to contiguous ints
 * 1..N, the most frequent item first (ties by id), 0 reserved for padding. The fitted {@link ItemIndexerModel}
 * maps ids in both directions. Like Spark's {@code StringIndexer}, but 1-based and aware of sequences.
 */
public final class ItemIndexer extends Estimator<ItemIndexerModel> implements ItemIndexerParams<ItemIndexer>, DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;

    /** An indexer with a random uid. */
    public ItemIndexer() {
        this(Identifiable$.MODULE$.randomUID("itemIndexer"));
    }

    /** An indexer with the given uid. */
    public ItemIndexer(String uid) {
        this.uid = uid;
        DefaultedParams.initialise(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public ItemIndexerModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        DataType type = dataset.schema().apply(getInputCol()).dataType();
        boolean array = type instanceof ArrayType;
        DataType idType = array ? ((ArrayType) type).elementType() : type;
        Column ids = array ? explode(col(getInputCol())) : col(getInputCol());
        Dataset<Row> counts = dataset.select(ids.as("id")).filter(col("id").isNotNull())
                .groupBy("id").count()
                .orderBy(col("count").desc(), col("id").asc());
        List<Row> rows = counts.collectAsList();
        String[] labels = new String[rows.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rows.get(i).get(0).toString();
        }
        ItemIndexerModel model = new ItemIndexerModel(uid, labels, ItemIds.of(idType, getInputCol()));
        return copyValues(model.setParent(this), extractParamMap());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return ItemIds.outputSchema(schema, getInputCol(), getOutputCol());
    }

    @Override
    public ItemIndexer copy(ParamMap extra) { return defaultCopy(extra); }

    /** Reader of saved indexers ({@code Pipeline} loading calls it). */
    public static MLReader<ItemIndexer> read() { return new DefaultParamsReader<>(); }
    /** Loads an indexer saved with {@code write()}. */
    public static ItemIndexer load(String path) { return read().load(path); }
}
