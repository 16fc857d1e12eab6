package dev.sasrec.bench;

import dev.sasrec.engine.internal.ResidentMemory;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.spark.recommend.SASRecModel;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.ArraySeq;

import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

/**
 * Top-10 scoring at scale: a generated model (d = 50, n = 200, random weights: scoring cost does not depend on
 * them) over {@code --items} items scores {@code --users} generated users (histories of 1 to {@code --max-history}
 * items) with their history excluded. Every row is computed (a {@code noop} write) and counted as it is written;
 * the run fails unless every generated user got 10 recommendations. Ends with one JSON line: {@code users} (rows
 * scored), {@code items}, {@code users_per_second} (rows scored per second), {@code peak_rss_mb} (this JVM, which
 * is the executor in local mode).
 */
public final class ScoreScaleBenchmark {

    private ScoreScaleBenchmark() {
    }

    /** Entry point; see {@code bench/score-scale.sh}. */
    public static void main(String[] argv) throws InterruptedException {
        Args a = new Args(argv, Set.of("users", "items", "max-history", "master", "partitions"));
        long users = a.getLong("users", 1_000_000L);
        int items = a.getInt("items", 100_000);
        int maxHistory = a.getInt("max-history", 50);
        SparkSession spark = SparkSession.builder().master(a.get("master", "local[2]")).appName("sasrec-score-scale")
                .config("spark.ui.enabled", "false").getOrCreate();
        SASRecModel model = SASRecModel.fromNetwork(SasRecNetwork.initialise(SasRecConfig.builder().build(), items), null)
                .setItemsCol("history").setK(10).setExcludeSeen(true);
        Dataset<Row> histories = spark.range(0, users, 1, a.getInt("partitions", 8))
                .map(new UserGenerator(maxHistory, items), Encoders.row(UserGenerator.SCHEMA));
        Observation scoredRows = new Observation("scored");
        long t0 = System.nanoTime();
        model.transform(histories).filter(size(col("recommendations")).equalTo(10))
                .observe(scoredRows, count(lit(1)).as("rows"))
                .write().format("noop").mode("overwrite").save();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long scored = ((Number) scoredRows.getAsJava().get("rows")).longValue();
        if (scored != users) {
            throw new IllegalStateException("scored " + scored + " users with 10 recommendations of " + users + " generated");
        }
        System.out.printf(Locale.ROOT, "scored %d users over %d items in %.1f s%n", scored, items, seconds);
        System.out.printf(Locale.ROOT, "{\"users\": %d, \"items\": %d, \"users_per_second\": %.0f, \"peak_rss_mb\": %d}%n",
                scored, items, scored / seconds, ResidentMemory.peakMb());
        spark.stop();
    }

    /**
     * A user with 1 to {@code maxHistory} items drawn uniformly from 1..{@code items}, from a generator seeded by the
     * user id (the same users for any partitioning). Compiled Java: Spark SQL's higher-order array functions
     * ({@code transform}) are interpreted row by row.
     */
    private record UserGenerator(int maxHistory, int items) implements MapFunction<Long, Row> {

        static final StructType SCHEMA = new StructType()
                .add("user", DataTypes.LongType, false)
                .add("history", DataTypes.createArrayType(DataTypes.IntegerType, false), false);

        @Override
        public Row call(Long user) {
            SplittableRandom random = new SplittableRandom(user * 0x9E3779B97F4A7C15L);
            int[] history = random.ints(1 + random.nextInt(maxHistory), 1, items + 1).toArray();
            return RowFactory.create(user, ArraySeq.unsafeWrapArray(history));
        }
    }
}
