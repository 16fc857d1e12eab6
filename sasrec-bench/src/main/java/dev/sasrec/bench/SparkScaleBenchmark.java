package dev.sasrec.bench;

import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.internal.ResidentMemory;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.train.EpochReport;
import dev.sasrec.engine.train.FitOptions;
import dev.sasrec.engine.train.SasRecTrainer;
import dev.sasrec.engine.train.TrainingSet;
import dev.sasrec.spark.recommend.SASRec;
import dev.sasrec.spark.recommend.TrainingSummary;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Distributed training against the catalogue size: generated histories with Zipf-distributed item popularity, the
 * same users and lengths for every catalogue, trained through Spark (2 epochs, the second measured) and, at the
 * largest catalogue, by the engine alone on the same histories. Every catalogue's item table has exactly the stated
 * number of items: the generator makes sure the last item occurs. Ends with one JSON line (see
 * {@code bench/spark-scale.sh}).
 */
public final class SparkScaleBenchmark {

    private SparkScaleBenchmark() {
    }

    /** Entry point; see {@code bench/spark-scale.sh}. */
    public static void main(String[] argv) {
        Args a = new Args(argv, Set.of("users", "items", "min-length", "max-length", "master", "workers",
                "averaging-frequency", "zipf", "seed", "executor-memory", "executor-overhead"), Set.of("exact-adam", "no-engine"));
        int users = a.getInt("users", 200_000);
        int[] catalogues = Arrays.stream(a.get("items", "10000,100000,1000000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        int minLength = a.getInt("min-length", 5);
        int maxLength = a.getInt("max-length", 50);
        double zipf = a.getDouble("zipf", 1.0);
        long seed = a.getLong("seed", 42);
        String master = a.get("master", "local[2]");
        boolean lazy = !a.flag("exact-adam");

        int[] lengths = new int[users];
        SplittableRandom rnd = new SplittableRandom(seed);
        long events = 0;
        for (int u = 0; u < users; u++) {
            lengths[u] = minLength + rnd.nextInt(maxLength - minLength + 1);
            events += lengths[u];
        }
        SparkSession.Builder builder = SparkSession.builder().master(master).appName("sasrec-spark-scale")
                .config("spark.ui.enabled", "false").config("spark.driver.maxResultSize", "0")
                .config("spark.task.maxDirectResultSize", "128m");
        if (master.startsWith("spark://")) {
            // Executors of one core each, started by the cluster's Workers from this JVM's class path, with room
            // off the heap for a trainer's state (sizes the training passes as a cluster manager's limit would).
            int cores = a.getInt("workers", 2);
            String modules = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(o -> o.startsWith("--add-opens") || o.startsWith("-Djdk.reflect")).toList());
            builder.config("spark.driver.host", "127.0.0.1").config("spark.executor.cores", "1")
                    .config("spark.cores.max", Integer.toString(cores))
                    .config("spark.executor.memory", a.get("executor-memory", "2g"))
                    .config("spark.executor.memoryOverhead", a.get("executor-overhead", "2g"))
                    .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                    .config("spark.executor.extraJavaOptions", modules)
                    .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                    .config("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
        }
        SparkSession spark = builder.getOrCreate();
        int workers = a.getInt("workers", spark.sparkContext().defaultParallelism());
        SASRec estimator = new SASRec().setItemsCol("itemIndex").setHiddenUnits(64).setMaxLen(50).setMaxEpochs(2)
                .setNumWorkers(workers).setLazyAdam(lazy).setSeed(seed);
        if (a.get("averaging-frequency", null) != null) {
            estimator.setAveragingFrequency(a.getInt("averaging-frequency", 8));
        }
        System.out.printf(Locale.ROOT, "%d users, %d events, master %s, %d workers, lazyAdam %b, averagingFrequency %d%n",
                users, events, master, workers, lazy, estimator.getAveragingFrequency());

        List<TrainingSummary.Epoch> measured = new ArrayList<>();
        int[][] largest = null;
        for (int items : catalogues) {
            int[][] histories = histories(lengths, items, zipf, seed);
            Dataset<Row> frame = frame(spark, histories).repartition(workers).cache();
            frame.count();
            TrainingSummary summary = estimator.fit(frame).summary().orElseThrow();
            frame.unpersist();
            summary.epochs().forEach(e -> System.out.println("spark " + items + " items: " + e));
            measured.add(summary.epochs().get(summary.epochs().size() - 1));
            largest = histories;
        }
        long peakRss = peakExecutorRssMb(spark, workers);
        long driverPeakRss = ResidentMemory.peakMb();
        spark.stop();

        double engineSeconds = Double.NaN;
        if (!a.flag("no-engine")) {
            // The engine alone on the largest catalogue's histories, with both cores on one trainer.
            NativeThreads.set(workers);
            SasRecConfig config = estimator.engineConfig();
            SasRecTrainer trainer = new SasRecTrainer(config, catalogues[catalogues.length - 1]);
            List<EpochReport> reports = trainer.fit(TrainingSet.of(largest), new FitOptions(2, 0, 0),
                    r -> System.out.println("engine " + r.progressLine(2)), null);
            engineSeconds = reports.get(1).seconds();
        }
        TrainingSummary.Epoch small = measured.get(0);
        TrainingSummary.Epoch large = measured.get(measured.size() - 1);
        System.out.printf(Locale.ROOT, "{\"users\": %d, \"events\": %d, \"items_small\": %d, \"items_large\": %d, "
                        + "\"seconds_per_epoch_small\": %.2f, \"seconds_per_epoch_large\": %.2f, "
                        + "\"engine_seconds_per_epoch_large\": %.2f, \"exchanged_mb_per_round_large\": %.2f, "
                        + "\"peak_executor_rss_mb\": %d, \"rounds_per_epoch\": %d, \"compute_seconds_large\": %.2f, "
                        + "\"exchange_seconds_large\": %.2f, \"peak_driver_rss_mb\": %d, \"master\": \"%s\", \"lazy_adam\": %b}%n",
                users, events, catalogues[0], catalogues[catalogues.length - 1], small.seconds(), large.seconds(),
                engineSeconds, large.exchangedBytesPerRound() / 1e6, peakRss, large.rounds(), large.computeSeconds(),
                large.exchangeSeconds(), driverPeakRss, master, lazy);
    }

    /**
     * Histories of the given lengths over items 1..items drawn with Zipf({@code s}) popularity (rank r with
     * probability proportional to 1 / r^s, ranks scattered over the ids by a seeded permutation); the last
     * history ends with item {@code items}, so the catalogue is exactly that large.
     */
    static int[][] histories(int[] lengths, int items, double s, long seed) {
        double[] cdf = new double[items];
        double sum = 0;
        for (int r = 0; r < items; r++) {
            sum += Math.pow(r + 1, -s);
            cdf[r] = sum;
        }
        int[] idOfRank = new int[items];
        for (int i = 0; i < items; i++) {
            idOfRank[i] = i + 1;
        }
        SplittableRandom rnd = new SplittableRandom(seed * 31 + items);
        for (int i = items - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = idOfRank[i];
            idOfRank[i] = idOfRank[j];
            idOfRank[j] = t;
        }
        int[][] out = new int[lengths.length][];
        for (int u = 0; u < lengths.length; u++) {
            int[] h = new int[lengths[u]];
            for (int t = 0; t < h.length; t++) {
                int rank = Arrays.binarySearch(cdf, rnd.nextDouble() * sum);
                h[t] = idOfRank[Math.min(items - 1, rank < 0 ? -rank - 1 : rank)];
            }
            out[u] = h;
        }
        int[] last = out[out.length - 1];
        last[last.length - 1] = items;
        return out;
    }

    private static Dataset<Row> frame(SparkSession spark, int[][] histories) {
        StructType schema = new StructType().add("user", DataTypes.IntegerType)
                .add("itemIndex", new ArrayType(DataTypes.IntegerType, false));
        List<Row> rows = new ArrayList<>(histories.length);
        for (int u = 0; u < histories.length; u++) {
            rows.add(RowFactory.create(u, Arrays.stream(histories[u]).boxed().toArray(Integer[]::new)));
        }
        return spark.createDataFrame(rows, schema);
    }

    /** The largest peak resident memory among the executor JVMs (the driver's own in local mode), in MiB. */
    private static long peakExecutorRssMb(SparkSession spark, int workers) {
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < 8 * workers; i++) {
            slots.add(i);
        }
        return spark.createDataset(slots, org.apache.spark.sql.Encoders.INT()).javaRDD()
                .repartition(8 * workers)
                .mapPartitions(it -> Collections.singletonList(ResidentMemory.peakMb()).iterator())
                .collect().stream().mapToLong(Long::longValue).max().orElse(-1);
    }
}
