package dev.sasrec.spark.index;

import dev.sasrec.spark.params.DefaultedParams;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.HashMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.udf;

/**
 * A fitted item vocabulary: raw ids to 1..N (most frequent first) and back. {@link #transform} indexes a plain or
 * an array column; unknown ids follow {@code handleInvalid}.
 */
public final class ItemIndexerModel extends Model<ItemIndexerModel> implements ItemIndexerParams<ItemIndexerModel>, MLWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final String[] labels;
    private final ItemIds ids;
    private transient Broadcast<HashMap<String, Integer>> broadcastIndex;

    ItemIndexerModel(String uid, String[] labels, ItemIds ids) {
        this.uid = uid;
        this.labels = labels.clone();
        this.ids = ids;
        DefaultedParams.initialise(this);
    }

    /** A model from an explicit vocabulary: {@code labels[i]} gets index i + 1; ids are strings. */
    public ItemIndexerModel(String[] labels) {
        this(Identifiable$.MODULE$.randomUID("itemIndexer"), labels, ItemIds.STRING);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** Number of items N; indices are 1..N. */
    public int numItems() {
        return labels.length;
    }

    /** Raw ids as strings, in index order: {@code labels()[i]} has index i + 1. */
    public String[] labels() {
        return labels.clone();
    }

    /** The raw id of {@code index} (1..N) in the fitted column's type: a {@code String} or a {@code Long}. */
    public Object itemOf(int index) {
        if (index < 1 || index > labels.length) {
            throw new IllegalArgumentException("index " + index + " is outside 1.." + labels.length);
        }
        return ids == ItemIds.LONG ? (Object) Long.parseLong(labels[index - 1]) : labels[index - 1];
    }

    /** The vocabulary, as attached to the output column's metadata. */
    public ItemVocabulary vocabulary() {
        return new ItemVocabulary(labels.clone(), ids.sparkType());
    }

    /** The Spark type raw ids come back in (string or long). */
    public org.apache.spark.sql.types.DataType itemType() {
        return ids.sparkType();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return ItemIds.outputSchema(schema, getInputCol(), getOutputCol());
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        boolean array = dataset.schema().apply(getInputCol()).dataType() instanceof ArrayType;
        Broadcast<HashMap<String, Integer>> index = index(dataset.sparkSession());
        String column = getInputCol();
        boolean fail = getHandleInvalid().equals("error");
        int size = labels.length;
        UserDefinedFunction lookup = udf((UDF1<Object, Integer>) raw -> {
            Integer i = raw == null ? null : index.value().get(ItemIds.key(raw));
            if (i != null) {
                return i;
            }
            if (fail) {
                throw new IllegalArgumentException("column " + column + ": item id " + (raw == null ? "null" : "'" + raw + "'")
                        + " is not in the fitted vocabulary of " + size
                        + " items; set handleInvalid to skip or keep to index such data");
            }
            return 0;
        }, DataTypes.IntegerType).asNonNullable();
        Column in = col(column);
        Dataset<Row> out;
        if (array) {
            Column mapped = org.apache.spark.sql.functions.transform(in, x -> lookup.apply(x));
            if (getHandleInvalid().equals("skip")) {
                mapped = filter(mapped, x -> x.gt(0));
            }
            out = dataset.withColumn(getOutputCol(), mapped, vocabulary().toMetadata());
        } else {
            out = dataset.withColumn(getOutputCol(), lookup.apply(in), vocabulary().toMetadata());
            if (getHandleInvalid().equals("skip")) {
                out = out.filter(col(getOutputCol()).gt(0));
            }
        }
        return out;
    }

    private synchronized Broadcast<HashMap<String, Integer>> index(SparkSession spark) {
        if (broadcastIndex == null) {
            HashMap<String, Integer> map = new HashMap<>(labels.length * 2);
            for (int i = 0; i < labels.length; i++) {
                map.put(labels[i], i + 1);
            }
            broadcastIndex = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(map);
        }
        return broadcastIndex;
    }

    @Override
    public ItemIndexerModel copy(ParamMap extra) {
        ItemIndexerModel copied = new ItemIndexerModel(uid, labels, ids);
        return copyValues(copied, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Reader for saved models. */
    public static MLReader<ItemIndexerModel> read() {
        return new Reader();
    }

    /** Loads a model saved with {@link #write()}. */
    public static ItemIndexerModel load(String path) {
        return read().load(path);
    }

    /**
     * Params as Spark metadata; the vocabulary as Parquet under {@code data/} with columns {@code index} (int) and
     * {@code item}, a string or long column as the fitted ids were.
     */
    private static final class Writer extends MLWriter {
        private final ItemIndexerModel model;

        Writer(ItemIndexerModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sparkSession());
            model.vocabulary().write(sparkSession(), path + "/data");
        }
    }

    private static final class Reader extends MLReader<ItemIndexerModel> {
        @Override
        public ItemIndexerModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession(),
                    ItemIndexerModel.class.getName());
            ItemVocabulary vocabulary = ItemVocabulary.read(sparkSession(), path + "/data");
            ItemIndexerModel model = new ItemIndexerModel(metadata.uid(), vocabulary.labels(),
                    ItemIds.of(vocabulary.type(), path + "/data item"));
            metadata.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }
}
