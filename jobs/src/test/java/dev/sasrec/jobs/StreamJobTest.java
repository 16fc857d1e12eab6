package dev.sasrec.jobs;

import dev.sasrec.spark.fs.NioLocalFileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code stream} command on the file source: recommendations and dead letters as Parquet, seeded state. */
class StreamJobTest {

    private static SparkSession spark;
    @TempDir
    static Path shared;
    private static Path model;

    @BeforeAll
    static void trainAModel() throws Exception {
        // The checkpoints and sinks go through the java.nio local file system, as conf/local.conf sets it; uncached,
        // so that no file system another test class created first stands in for it.
        spark = SparkSession.builder().master("local[2]").appName("sasrec-stream-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName())
                .config("spark.hadoop.fs.file.impl.disable.cache", "true").getOrCreate();
        model = shared.resolve("trained");
        new SasRecJob(JobConfig.load(null, trainingSettings(model)), spark).execute("train");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** A small model on the generated log: string users u1.., items i1... */
    static List<String> trainingSettings(Path out) {
        return new ArrayList<>(List.of("input.format=generated", "input.generated.users=200",
                "input.generated.items=50", "input.generated.min-length=8", "input.generated.max-length=12",
                "model.hiddenUnits=8", "model.maxLen=10", "model.maxEpochs=1", "model.batchSize=64",
                "model.validationUsers=0", "model.earlyStoppingPatience=0", "output.dir=" + out));
    }

    /**
     * The training settings and a stream over a directory {@code dir/in} holding one file, {@code name} with
     * {@code lines}, checkpointed in {@code dir/checkpoint}, and {@code extra} settings.
     */
    private static List<String> streamSettings(Path dir, String name, String lines, String... extra) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve(name), lines);
        List<String> settings = trainingSettings(model);
        settings.add("stream.path=" + in);
        settings.add("stream.checkpoint=" + dir.resolve("checkpoint"));
        settings.addAll(List.of(extra));
        return settings;
    }

    @Test
    void eventsBecomeRefreshedRecommendationsAndUnreadableOnesDeadLetters(@TempDir Path dir) throws Exception {
        long t = 1_800_000_000L;
        List<String> settings = streamSettings(dir, "a.json", String.join("\n",
                "{\"user\":\"new1\",\"item\":\"i3\",\"timestamp\":" + t + "}",
                "{\"user\":\"new1\",\"item\":\"i7\",\"timestamp\":" + (t + 60) + "}",
                "{\"user\":\"u5\",\"item\":\"i2\",\"timestamp\":" + t + "}",
                "{\"user\":\"new2\",\"item\":\"i4\",\"timestamp\":\"yesterday\"}",
                "{\"item\":\"i4\",\"timestamp\":" + t + "}",
                "not an event at all") + "\n",
                "stream.trigger=available-now", "stream.format=json", "stream.seed-from-input=false",
                "output.stream=" + dir.resolve("recs"), "output.dead-letters=" + dir.resolve("dead"), "recommend.k=5");
        new SasRecJob(JobConfig.load(null, settings), spark).execute("stream");
        assertTrue(org.apache.hadoop.fs.FileSystem.get(dir.toUri(), spark.sessionState().newHadoopConf())
                instanceof NioLocalFileSystem, "the checkpoint's file system");

        Map<String, Row> recs = spark.read().parquet(dir.resolve("recs").toString()).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> r));
        assertEquals(java.util.Set.of("new1", "u5"), recs.keySet());
        Row new1 = recs.get("new1");
        assertEquals(2, new1.getInt(new1.fieldIndex("historyLength")));
        assertEquals((t + 60) * 1000, new1.getTimestamp(new1.fieldIndex("eventTime")).getTime());
        List<Row> items = new1.getList(new1.fieldIndex("recommendations"));
        assertEquals(5, items.size());
        assertTrue(items.stream().noneMatch(r -> r.getString(0).equals("i3") || r.getString(0).equals("i7")),
                "the history is left out: " + items);
        assertEquals(1, recs.get("u5").getInt(recs.get("u5").fieldIndex("historyLength")), "no seed: u5 starts afresh");

        List<String> reasons = spark.read().parquet(dir.resolve("dead").toString()).orderBy("reason")
                .collectAsList().stream().map(r -> r.getString(r.fieldIndex("reason"))).toList();
        assertEquals(List.of("column timestamp: value 'yesterday' cannot be parsed as a number of seconds since the "
                + "epoch (sasrec.input.time-format = seconds)", "column user is null or empty", "column user is null or empty"),
                reasons);
    }

    @Test
    void aStreamSeededFromTheBatchLogContinuesItsUsersHistories(@TempDir Path dir) throws Exception {
        List<String> settings = streamSettings(dir, "a.csv", "user,item,timestamp\nu5,i2,1800000000\n",
                "stream.trigger=available-now", "stream.seed-from-input=true", "output.stream=" + dir.resolve("recs"),
                "output.dead-letters=" + dir.resolve("dead"));
        // the batch log is the generated one (input.format); the stream's files are csv (stream.format)
        settings.add("stream.format=csv");
        new SasRecJob(JobConfig.load(null, settings), spark).execute("stream");
        List<Row> out = spark.read().parquet(dir.resolve("recs").toString()).collectAsList();
        assertEquals(1, out.size());
        assertEquals(10, out.get(0).getInt(out.get(0).fieldIndex("historyLength")),
                "u5's batch history (8 to 12 items) and the new event, the last maxLen = 10 kept");
        assertEquals(0, spark.read().parquet(dir.resolve("dead").toString()).count(), "the header line is not an event");
    }

    @Test
    void aStreamWithoutACheckpointOrWithAnUnknownSinkOrFormatFailsAtStartNamingTheKey(@TempDir Path dir) {
        List<String> base = trainingSettings(model);
        base.add("stream.path=" + dir);
        Map<String, String> cases = Map.of(
                "stream.checkpoint=", "configuration key sasrec.stream.checkpoint is empty",
                "stream.sink=hdfs", "configuration key sasrec.stream.sink: value hdfs, expected parquet, kafka or console",
                "stream.format=avro", "configuration key sasrec.stream.format: value avro, expected json, csv or tsv",
                "stream.source=socket", "configuration key sasrec.stream.source: value socket, expected files or kafka",
                "stream.source=kafka", "sasrec.stream.source = kafka needs sasrec.stream.kafka.bootstrap-servers");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            List<String> settings = new ArrayList<>(base);
            if (!c.getKey().startsWith("stream.checkpoint")) {
                settings.add("stream.checkpoint=" + dir.resolve("checkpoint"));
            }
            settings.add(c.getKey());
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new SasRecJob(JobConfig.load(null, settings), spark).execute("stream"));
            assertTrue(e.getMessage().startsWith(c.getValue()), c.getKey() + " -> " + e.getMessage());
        }
    }

    @Test
    void whenTheDeadLetterQueryCannotStartTheRecommendationsQueryIsStoppedAndTheCommandFails(@TempDir Path dir) throws Exception {
        Path blocker = Files.writeString(dir.resolve("a-file"), "not a directory");
        List<String> settings = streamSettings(dir, "a.json",
                "{\"user\":\"u1\",\"item\":\"i2\",\"timestamp\":1800000000}\nnot an event\n",
                "stream.trigger=1 second", "output.stream=" + dir.resolve("recs"),
                // the dead letters cannot be written: their directory would be inside a file
                "output.dead-letters=" + blocker.resolve("dead"));
        SasRecJob job = new SasRecJob(JobConfig.load(null, settings), spark);
        Exception e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofMinutes(2),
                () -> org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> job.execute("stream")),
                "a processing-time stream whose dead-letter query failed to start kept running");
        assertTrue(spark.streams().active().length == 0, "both queries stopped: " + e);
    }

    @Test
    void theConsoleSinkPrintsEachMicroBatchsRecommendationsAndDeadLetters(@TempDir Path dir) throws Exception {
        List<String> settings = streamSettings(dir, "a.json",
                "{\"user\":\"c1\",\"item\":\"i2\",\"timestamp\":1800000000}\nnot an event\n",
                "stream.trigger=available-now", "stream.sink=console");
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            new SasRecJob(JobConfig.load(null, settings), spark).execute("stream");
        } finally {
            System.setOut(stdout);
        }
        String text = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("|c1  |") || text.contains("|c1|"), "the refreshed user is printed:\n" + text);
        assertTrue(text.contains("not an event") && text.contains("column user is null or empty"),
                "the dead letter and its reason are printed:\n" + text);
    }
}
