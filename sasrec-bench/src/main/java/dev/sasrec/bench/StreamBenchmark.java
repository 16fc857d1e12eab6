package dev.sasrec.bench;

import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.internal.ResidentMemory;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.spark.fs.NioLocalFileSystem;
import dev.sasrec.spark.recommend.SASRecModel;
import dev.sasrec.spark.stream.StreamingRecommender;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.ForeachWriter;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.ArraySeq;
import scala.jdk.javaapi.CollectionConverters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * Real-time recommendations under load: {@link StreamingRecommender} over a generated model (d = 50, n = 50,
 * random weights: the cost does not depend on them) of {@code --items} items, its state seeded with
 * {@code --users} users of {@code --history} items each, fed {@code --rate} events per second (each a uniformly
 * drawn user and item) with a micro-batch every {@code --trigger}. The events come from {@link Arrivals} (the
 * default, {@code --source arrivals}: each event is readable as soon as it is made, its time its arrival) or from
 * Spark's {@code rate} source ({@code --source rate}: each second's events are handed out when that second ends, so
 * up to a second of every latency is the source's own). State in RocksDB with changelog checkpointing, checkpoint
 * files through Hadoop's FileSystem API on {@link NioLocalFileSystem} (each can be set with {@code -Dspark...} in
 * {@code SASREC_JAVA_OPTS}). The sink ({@code foreach}) takes, as each refreshed user's row reaches it, the time
 * since the arrival of the event that triggered it. The first {@code --warmup} batches (the state's seeding among
 * them) are left out; the next {@code --batches} are measured. Prints every micro-batch's events and duration, the
 * measured micro-batches' mean stage times, per measured micro-batch the machine's speed ({@link MachineSpeedProbe}:
 * arithmetic, a matrix product, memory reads), the state store's time a read, its flush and compaction MB and the GC
 * time, and
 * ends with one JSON line: events_per_second (events processed over the measured batches' wall time),
 * offered_per_second, p50 and p99 latency (ms), state_users (null when RocksDB does not count its rows:
 * {@code trackTotalNumberOfRows=false}), peak_rss_mb (this JVM: driver and executor in local mode), source.
 */
public final class StreamBenchmark {

    /** Checkpoint files through Hadoop's FileSystem API: a micro-batch's commits in a tenth of the time. */
    static final String FILE_SYSTEM_CHECKPOINTS =
            "org.apache.spark.sql.execution.streaming.checkpointing.FileSystemBasedCheckpointFileManager";
    private static final List<Long> LATENCIES = Collections.synchronizedList(new ArrayList<>());
    private static volatile long measuredFrom = Long.MAX_VALUE;

    private StreamBenchmark() {
    }

    /** Entry point; see {@code bench/stream.sh}. */
    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, Set.of("users", "items", "history", "rate", "batches", "warmup", "trigger", "partitions",
                "master", "source"));
        long users = a.getLong("users", 1_000_000L);
        int items = a.getInt("items", 100_000);
        int history = a.getInt("history", 50);
        int rate = a.getInt("rate", 5_000);
        int batches = a.getInt("batches", 60);
        int warmup = a.getInt("warmup", 40);
        int partitions = a.getInt("partitions", 2);
        measuredFrom = warmup;
        Path checkpoint = Files.createTempDirectory("sasrec-stream-bench");
        SparkSession spark = SparkSession.builder().master(a.get("master", "local[2]")).appName("sasrec-stream-bench")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", partitions)
                // the progress of every measured micro-batch is read back at the end (Spark keeps 100 by default)
                .config("spark.sql.streaming.numRecentProgressUpdates", Math.max(100, batches + 20))
                .config("spark.sql.streaming.stateStore.providerClass",
                        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
                .config("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled",
                        System.getProperty("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true"))
                .config("spark.sql.streaming.checkpointFileManagerClass", System.getProperty(
                        "spark.sql.streaming.checkpointFileManagerClass", FILE_SYSTEM_CHECKPOINTS))
                .config("spark.hadoop.fs.file.impl", System.getProperty("spark.hadoop.fs.file.impl",
                        NioLocalFileSystem.class.getName()))
                .getOrCreate();
        SASRecModel model = SASRecModel.fromNetwork(SasRecNetwork.initialise(SasRecConfig.builder()
                .set("hiddenUnits", 50).set("maxLen", history).build(), items), null).setK(10).setExcludeSeen(true);
        Dataset<Row> seeds = spark.range(0, users, 1, partitions)
                .map(new SeedHistory(history, items), Encoders.row(SeedHistory.SCHEMA));
        String source = a.get("source", "arrivals");
        Arrivals arrivals = null;
        Dataset<Row> events;
        if (source.equals("rate")) {
            events = spark.readStream().format("rate").option("rowsPerSecond", rate)
                    .option("numPartitions", partitions).load()
                    .select(pmod(xxhash64(col("value"), lit(1)), lit(users)).cast("string").as("user"),
                            pmod(xxhash64(col("value"), lit(2)), lit(items)).plus(1).cast("string").as("item"),
                            col("timestamp"));
        } else if (source.equals("arrivals")) {
            arrivals = new Arrivals(spark, partitions, rate, users, items);
            events = arrivals.frame();
        } else {
            throw new IllegalArgumentException("--source: invalid value '" + source + "', expected arrivals or rate");
        }
        Dataset<Row> refreshed = new StreamingRecommender(model).setWatermarkDelay("1 minute")
                .setStateTimeToLiveSeconds(0).transform(events, seeds);
        StageTimes stages = new StageTimes();
        spark.sparkContext().addSparkListener(stages);
        // One native thread, as each scoring task of one core sets it: the probe's product runs on one thread too.
        NativeThreads.set(1);
        MachineSpeedProbe probe = new MachineSpeedProbe(250);
        StreamingQuery query = refreshed.writeStream().trigger(Trigger.ProcessingTime(a.get("trigger", "1 second")))
                .option("checkpointLocation", checkpoint.toString())
                .foreach(new LatencySink()).start();

        if (arrivals != null) {
            arrivals.startAfterSeeding(query);
        }
        long t0 = System.nanoTime();
        while (lastBatch(query) < warmup + batches) {
            if (!query.isActive()) {
                throw new IllegalStateException("the stream stopped", query.exception().isDefined() ? query.exception().get() : null);
            }
            Thread.sleep(200);
        }
        if (arrivals != null) {
            arrivals.stop();
        }
        query.stop();
        List<StreamingQueryProgress> measured = new ArrayList<>();
        for (StreamingQueryProgress p : query.recentProgress()) {
            if (p.batchId() >= warmup && p.batchId() < warmup + batches) {
                measured.add(p);
            }
        }
        if (measured.size() < batches) {
            throw new IllegalStateException("only " + measured.size() + " of the measured batches' progress is kept");
        }
        StringBuilder perBatch = new StringBuilder("micro-batches (id:events/ms):");
        for (StreamingQueryProgress p : query.recentProgress()) {
            perBatch.append(' ').append(p.batchId()).append(':').append(p.numInputRows()).append('/').append(p.batchDuration());
        }
        System.out.println(perBatch);
        StreamingQueryProgress last = measured.get(measured.size() - 1);
        System.out.println("last measured batch: durations (ms) " + last.durationMs() + ", state operator "
                + last.stateOperators()[0].prettyJson().replaceAll("\\s+", " "));
        StreamingQueryProgress slowest = measured.stream()
                .max(java.util.Comparator.comparingLong(StreamingQueryProgress::batchDuration)).orElseThrow();
        System.out.println("slowest measured batch " + slowest.batchId() + ": durations (ms) " + slowest.durationMs()
                + ", state operator " + slowest.stateOperators()[0].prettyJson().replaceAll("\\s+", " "));
        System.out.println(stages.summary(warmup, warmup + batches));
        probe.close();
        System.out.println(machineAndStore(measured, probe.samples()));
        long eventsIn = measured.stream().mapToLong(StreamingQueryProgress::numInputRows).sum();
        long wallMs = java.time.Duration.between(java.time.Instant.parse(measured.get(0).timestamp()),
                java.time.Instant.parse(measured.get(measured.size() - 1).timestamp())).toMillis()
                + measured.get(measured.size() - 1).batchDuration();
        // RocksDB counts the state's rows only with trackTotalNumberOfRows on; off, the progress reports 0 rows.
        String stateUsers = spark.conf().get("spark.sql.streaming.stateStore.rocksdb.trackTotalNumberOfRows", "true")
                .equals("false") ? "null" : Long.toString(measured.get(measured.size() - 1).stateOperators()[0].numRowsTotal());
        long[] latencies;
        synchronized (LATENCIES) {
            latencies = LATENCIES.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        System.out.printf(Locale.ROOT, "%d measured batches, %d events in %.1f s (%.0f s since start), mean batch %.0f ms%n",
                measured.size(), eventsIn, wallMs / 1e3, (System.nanoTime() - t0) / 1e9,
                measured.stream().mapToLong(StreamingQueryProgress::batchDuration).average().orElse(0));
        System.out.printf(Locale.ROOT, "{\"events_per_second\": %.0f, \"offered_per_second\": %d, \"p50_latency_ms\": %d, "
                        + "\"p99_latency_ms\": %d, \"state_users\": %s, \"peak_rss_mb\": %d, \"source\": \"%s\"}%n",
                eventsIn * 1000.0 / wallMs, rate, percentile(latencies, 0.50), percentile(latencies, 0.99), stateUsers,
                ResidentMemory.peakMb(), source);
        spark.stop();
    }

    /**
     * The sink: takes, as each refreshed user's row reaches it, the time since the arrival of the event that
     * triggered the refresh (the row's {@code eventTime}); rows of the warm-up batches are not kept.
     */
    private static final class LatencySink extends ForeachWriter<Row> {
        private static final long serialVersionUID = 1L;
        private transient boolean measured;

        @Override
        public boolean open(long partitionId, long epochId) {
            measured = epochId >= measuredFrom;
            return true;
        }

        @Override
        public void process(Row row) {
            if (measured) {
                LATENCIES.add(System.currentTimeMillis() - row.<Timestamp>getAs("eventTime").getTime());
            }
        }

        @Override
        public void close(Throwable error) {
        }
    }

    /**
     * The wall time of each micro-batch's stages (each from its submission to its completion, in the order they
     * complete) and their tasks' summed run time, from Spark's listener events: where a micro-batch's time goes
     * besides the progress's own durations.
     */
    private static final class StageTimes extends org.apache.spark.scheduler.SparkListener {
        private final java.util.Map<Integer, Long> batchOfStage = new java.util.concurrent.ConcurrentHashMap<>();
        /** batch id -> per stage of the batch, in completion order: {wall ms, summed task run ms, tasks}. */
        private final java.util.Map<Long, List<long[]>> byBatch = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
            String batch = job.properties() == null ? null : job.properties().getProperty("streaming.sql.batchId");
            if (batch != null) {
                for (Object stage : CollectionConverters.asJava(job.stageIds())) {
                    batchOfStage.put((Integer) stage, Long.parseLong(batch));
                }
            }
        }

        @Override
        public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted completed) {
            org.apache.spark.scheduler.StageInfo info = completed.stageInfo();
            Long batch = batchOfStage.get(info.stageId());
            if (batch == null || info.submissionTime().isEmpty() || info.completionTime().isEmpty()) {
                return;
            }
            long wall = (Long) info.completionTime().get() - (Long) info.submissionTime().get();
            byBatch.computeIfAbsent(batch, b -> Collections.synchronizedList(new ArrayList<>()))
                    .add(new long[]{wall, info.taskMetrics().executorRunTime(), info.numTasks()});
        }

        String summary(long fromBatch, long toBatch) {
            StringBuilder out = new StringBuilder("stages of the measured batches (mean wall ms / summed task run ms / tasks):");
            int stagesPerBatch = byBatch.values().stream().mapToInt(List::size).max().orElse(0);
            for (int stage = 0; stage < stagesPerBatch; stage++) {
                long n = 0;
                long wall = 0;
                long run = 0;
                long tasks = 0;
                for (long b = fromBatch; b < toBatch; b++) {
                    List<long[]> stages = byBatch.get(b);
                    if (stages != null && stages.size() > stage) {
                        n++;
                        wall += stages.get(stage)[0];
                        run += stages.get(stage)[1];
                        tasks += stages.get(stage)[2];
                    }
                }
                if (n > 0) {
                    out.append(String.format(Locale.ROOT, " stage %d: %.0f / %.0f / %.1f;", stage + 1,
                            wall / (double) n, run / (double) n, tasks / (double) n));
                }
            }
            return out.toString();
        }
    }

    /**
     * Per measured micro-batch: its events and duration, the machine's speed while it ran ({@link MachineSpeedProbe}:
     * each fixed work's CPU time over its fastest tenth in the run, 1.00 at the machine's quickest), the state
     * store's mean time a read (us), the MB it wrote by flushes and compactions and the JVM's garbage collection time
     * (ms); then the medians and the mean GC time of the micro-batches over 1.1 s and of the others, so that a slow
     * stretch can be laid to the machine, the state store or the collector.
     */
    private static String machineAndStore(List<StreamingQueryProgress> measured, List<MachineSpeedProbe.Sample> samples) {
        List<ToLongFunction<MachineSpeedProbe.Sample>> works = List.of(MachineSpeedProbe.Sample::arithmeticNanos,
                MachineSpeedProbe.Sample::productNanos, MachineSpeedProbe.Sample::memoryNanos);
        double[] fastest = works.stream().mapToDouble(w -> MachineSpeedProbe.fastestTenth(samples, w)).toArray();
        StringBuilder out = new StringBuilder("measured micro-batches (id:events/ms/machine probe: arithmetic, product, "
                + "memory/state store: us a read, flush+compaction MB/GC ms):");
        // Each micro-batch's row: the three probe ratios, the store's time a read, the GC ms; [0] those over 1.1 s.
        List<List<double[]>> groups = List.of(new ArrayList<>(), new ArrayList<>());
        for (StreamingQueryProgress p : measured) {
            long from = java.time.Instant.parse(p.timestamp()).toEpochMilli();
            long to = from + p.batchDuration();
            double[] row = new double[5];
            for (int w = 0; w < 3; w++) {
                row[w] = MachineSpeedProbe.meanRatio(samples, works.get(w), from, to, fastest[w]);
            }
            java.util.Map<String, Long> store = p.stateOperators()[0].customMetrics();
            double written = (store.getOrDefault("rocksdbTotalBytesWrittenByFlush", 0L)
                    + store.getOrDefault("rocksdbTotalBytesWrittenByCompaction", 0L)) / 1e6;
            long gets = store.getOrDefault("rocksdbGetCount", 0L);
            row[3] = gets == 0 ? Double.NaN : store.getOrDefault("rocksdbGetLatency", 0L) * 1e3 / gets;
            row[4] = MachineSpeedProbe.gcMillis(samples, from, to);
            out.append(String.format(Locale.ROOT, " %d:%d/%d/%.2f/%.2f/%.2f/%.1f/%.0f/%.0f", p.batchId(),
                    p.numInputRows(), p.batchDuration(), row[0], row[1], row[2], row[3], written, row[4]));
            groups.get(p.batchDuration() > 1100 ? 0 : 1).add(row);
        }
        for (int group = 0; group < 2; group++) {
            List<double[]> rows = groups.get(group);
            out.append(String.format(Locale.ROOT, "%n%s: %d micro-batches; medians: machine probe arithmetic %.2f, "
                            + "product %.2f, memory %.2f, a state store read %.1f us; GC %.0f ms a micro-batch (mean)",
                    group == 0 ? "longer than 1.1 s" : "the others", rows.size(), medianOf(rows, 0), medianOf(rows, 1),
                    medianOf(rows, 2), medianOf(rows, 3),
                    rows.stream().mapToDouble(r -> r[4]).average().orElse(Double.NaN)));
        }
        out.append(String.format(Locale.ROOT, "%n(machine probes: their work's CPU time over its fastest tenth, %.0f, "
                + "%.0f and %.0f us)", fastest[0] / 1e3, fastest[1] / 1e3, fastest[2] / 1e3));
        return out.toString();
    }

    /** The median of column {@code c} of {@code rows}, its NaNs (no probe or no read in a micro-batch) left out. */
    private static double medianOf(List<double[]> rows, int c) {
        return Median.of(rows.stream().mapToDouble(r -> r[c]).filter(v -> !Double.isNaN(v)).toArray());
    }

    private static long lastBatch(StreamingQuery query) {
        StreamingQueryProgress p = query.lastProgress();
        return p == null ? -1 : p.batchId();
    }

    private static long percentile(long[] sorted, double q) {
        return sorted.length == 0 ? -1 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    /** A seeded user: {@code history} items drawn uniformly, from a generator seeded by the user id. */
    private record SeedHistory(int history, int items) implements MapFunction<Long, Row> {
        static final StructType SCHEMA = new StructType().add("user", DataTypes.StringType, false)
                .add("item", DataTypes.createArrayType(DataTypes.StringType, false), false);

        @Override
        public Row call(Long user) {
            SplittableRandom random = new SplittableRandom(user * 0x9E3779B97F4A7C15L);
            String[] h = random.ints(history, 1, items + 1).mapToObj(Integer::toString).toArray(String[]::new);
            return RowFactory.create(Long.toString(user), ArraySeq.unsafeWrapArray(h));
        }
    }
}
