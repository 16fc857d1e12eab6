package dev.sasrec.bench;

import dev.sasrec.spark.filter.InteractionFilter;
import dev.sasrec.spark.index.ItemIndexer;
import dev.sasrec.spark.index.ItemIndexerModel;
import dev.sasrec.spark.sequence.SequenceBuilder;
import dev.sasrec.spark.sessions.Sessionizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Locale;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * The raw-log path (InteractionFilter, Sessionizer, ItemIndexer, SequenceBuilder) on MovieLens-100K's
 * {@code u.data} and on a generated log of {@code --generated} events; prints events/s for each and, last, one
 * JSON line for the generated log: {@code events}, {@code events_per_second}.
 */
public final class PrepareBenchmark {

    private PrepareBenchmark() {
    }

    /** Entry point; see {@code bench/prepare-ml100k.sh}. */
    public static void main(String[] argv) throws InterruptedException {
        Args a = new Args(argv, Set.of("data", "generated", "master", "users", "items"));
        SparkSession spark = SparkSession.builder().master(a.get("master", "local[2]")).appName("sasrec-prepare-benchmark")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8").getOrCreate();
        StructType schema = new StructType().add("user", DataTypes.IntegerType).add("item", DataTypes.IntegerType)
                .add("rating", DataTypes.IntegerType).add("timestamp", DataTypes.LongType);
        Dataset<Row> ml100k = spark.read().option("sep", "\t").schema(schema).csv(a.get("data", "../shared/data/ml-100k/u.data"));
        double[] small = run(ml100k);
        System.out.printf(Locale.ROOT, "u.data: %d events in %.1f s, %.0f events/s%n", (long) small[0], small[1], small[0] / small[1]);

        long events = a.getLong("generated", 50_000_000L);
        long users = a.getLong("users", 1_000_000L);
        long items = a.getLong("items", 100_000L);
        Dataset<Row> generated = spark.range(events).select(
                pmod(xxhash64(col("id")), lit(users)).cast("int").as("user"),
                pmod(xxhash64(col("id").plus(1)), lit(items)).cast("int").as("item"),
                col("id").as("timestamp"));
        double[] big = run(generated);
        System.out.printf(Locale.ROOT, "generated: %d events in %.1f s, %.0f events/s%n", (long) big[0], big[1], big[0] / big[1]);
        System.out.printf(Locale.ROOT, "{\"events\": %d, \"events_per_second\": %.0f}%n", (long) big[0], big[0] / big[1]);
        spark.stop();
    }

    /** Runs the path to the end and returns {events, seconds}. */
    private static double[] run(Dataset<Row> log) throws InterruptedException {
        long t0 = System.nanoTime();
        InteractionFilter.Result filtered = new InteractionFilter().filter(log);
        Dataset<Row> sessions = new Sessionizer().setOutputCol("items").transform(filtered.events());
        ItemIndexerModel indexer = new ItemIndexer().setInputCol("items").setOutputCol("itemIndex").fit(sessions);
        Dataset<Row> sequences = new SequenceBuilder().setMaxLen(200).transform(indexer.transform(sessions));
        // Every column is written (to a sink that discards it), so the indexing and the sequences are computed;
        // a count alone could be answered without them. The rows are counted by an observation of the same job.
        Observation built = new Observation("built");
        Dataset<Row> observed = sequences.observe(built, count(lit(1)).as("rows"));
        String plan = observed.queryExecution().optimizedPlan().toString();
        if (!plan.contains("sequence") || !plan.contains("itemIndex")) {
            throw new IllegalStateException("the plan written does not compute the indexed items and the sequences:\n" + plan);
        }
        observed.write().format("noop").mode("overwrite").save();
        long rows = ((Number) built.getAsJava().get("rows")).longValue();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.println(filtered.report() + "; " + rows + " sequences, " + indexer.numItems() + " items");
        filtered.events().unpersist();
        return new double[]{filtered.report().eventsIn(), seconds};
    }
}
