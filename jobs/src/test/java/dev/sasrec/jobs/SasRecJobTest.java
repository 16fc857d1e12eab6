package dev.sasrec.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jobs end to end on a generated log, in a real local Spark session. */
class SasRecJobTest {

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("sasrec-jobs-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static List<String> small(Path out) {
        List<String> o = new ArrayList<>(List.of("input.format=generated", "input.generated.users=300",
                "input.generated.items=60", "input.generated.min-length=8", "input.generated.max-length=20",
                "model.hiddenUnits=16", "model.maxLen=20", "model.maxEpochs=3", "model.batchSize=64",
                "model.learningRate=0.01", "model.validationUsers=50", "model.numWorkers=2",
                "output.dir=" + out.toString()));
        return o;
    }

    private static SasRecJob job(List<String> overrides) {
        return new SasRecJob(JobConfig.load(null, overrides), spark);
    }

    @Test
    void runTrainsEvaluatesRecommendsAndWritesTheReport(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        job(small(out)).execute("run");

        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(300, metrics.get("users").asInt());
        assertTrue(metrics.get("heldOutLastEventAtTraining").asBoolean());
        double hr = metrics.get("metrics").get("full_hr@10").asDouble();
        assertTrue(hr > 3 * 10.0 / 60, "full HR@10 " + hr + " vs about " + 10.0 / 60 + " by chance");
        JsonNode baseline = metrics.get("baseline");
        assertEquals("most-popular", baseline.get("name").asText());
        for (String protocol : List.of("full", "sampled")) {
            double model = metrics.get("metrics").get(protocol + "_ndcg@10").asDouble();
            double popular = baseline.get("metrics").get(protocol + "_ndcg@10").asDouble();
            assertEquals(300, baseline.get("metrics").get(protocol + "_users").asInt(), "the baseline ranks every user");
            assertTrue(popular > 0 && model > popular, protocol + " NDCG@10: model " + model + ", most-popular " + popular);
        }

        Dataset<Row> recs = spark.read().parquet(out.resolve("recommendations").toString());
        assertEquals(300, recs.count());
        Row first = recs.orderBy("user").first();
        List<Row> items = first.getList(1);
        assertEquals(10, items.size());
        assertTrue(items.get(0).getString(0).startsWith("i"), "recommendations carry raw ids: " + items);

        Path report = out.resolve("report");
        for (Path png : List.of(report.resolve(TrainingReport.CURVE), report.resolve(TrainingReport.ATTENTION),
                out.resolve("score-distribution.png"))) {
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
            assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, head, png.toString());
        }
        JsonNode training = new ObjectMapper().readTree(report.resolve(TrainingReport.JSON).toFile());
        assertEquals(3, training.get("training").get("epochs").size());
        assertTrue(training.get("training").get("epochs").get(2).has("validationNdcg10"));
        // Early stopping is on in the jobs: the model keeps the epoch of the best validation NDCG@10.
        int bestEpoch = 0;
        double bestNdcg = Double.NEGATIVE_INFINITY;
        for (JsonNode e : training.get("training").get("epochs")) {
            if (e.get("validationNdcg10").asDouble() > bestNdcg) {
                bestNdcg = e.get("validationNdcg10").asDouble();
                bestEpoch = e.get("epoch").asInt();
            }
        }
        assertEquals(bestEpoch, training.get("training").get("keptEpoch").asInt());
        assertEquals(16, training.get("configuration").get("model").get("hiddenUnits").asInt());
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("_")), "no temporary output left");
        }
        assertFalse(Files.exists(out.resolve("checkpoints")), "checkpoints are removed after a successful train");

        // The nightly retrain warm-starts from the model just written: its report names that model, and its first
        // epoch starts where the first run's training ended instead of from random weights.
        assertTrue(training.get("warmStartFrom").isNull(), "the first run starts cold");
        double coldFirstLoss = training.get("training").get("epochs").get(0).get("loss").asDouble();
        double coldLastLoss = training.get("training").get("epochs").get(2).get("loss").asDouble();
        byte[] before = Files.readAllBytes(out.resolve("metrics.json"));
        job(small(out)).execute("train");
        JsonNode retrained = new ObjectMapper().readTree(report.resolve(TrainingReport.JSON).toFile());
        assertEquals(out.resolve("model").toString(), retrained.get("warmStartFrom").asText());
        double warmFirstLoss = retrained.get("training").get("epochs").get(0).get("loss").asDouble();
        assertTrue(warmFirstLoss < coldFirstLoss - 0.5 * (coldFirstLoss - coldLastLoss),
                "warm-started first epoch loss " + warmFirstLoss + " against the cold run's " + coldFirstLoss + " .. " + coldLastLoss);
        // A failing evaluation leaves the previous metrics in place.
        List<String> broken = small(out);
        broken.add("input.format=csv");
        broken.add("input.path=" + dir.resolve("missing.csv"));
        Exception missing = assertThrows(Exception.class, () -> job(broken).execute("evaluate"));
        assertTrue(String.valueOf(missing.getMessage()).contains("missing.csv"), String.valueOf(missing.getMessage()));
        assertArrayEquals(before, Files.readAllBytes(out.resolve("metrics.json")));
    }

    @Test
    void csvLogsWithPatternTimesAreReadAndBadTimesAreNamed(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.csv");
        Files.writeString(good, "uid,sku,at\n1,a,2026-01-01 10:00:00\n1,b,2026-01-01 10:05:30\n2,a,2026-02-28 23:59:59\n");
        List<String> goodOptions = List.of("input.path=" + good, "input.user-col=uid", "input.item-col=sku",
                "input.time-col=at", "input.time-format=yyyy-MM-dd HH:mm:ss");
        List<Row> rows = new EventLog(JobConfig.load(null, goodOptions).config()).read(spark).orderBy("timestamp").collectAsList();
        assertEquals(3, rows.size());
        assertEquals(List.of("user", "item", "timestamp"), List.of(rows.get(0).schema().fieldNames()));
        // Parsed in the session's time zone, which is the JVM's unless configured.
        String[] expected = {"2026-01-01 10:00:00", "2026-01-01 10:05:30", "2026-02-28 23:59:59"};
        String[] items = {"a", "b", "a"};
        for (int i = 0; i < 3; i++) {
            assertEquals(java.sql.Timestamp.valueOf(expected[i]), rows.get(i).getTimestamp(2), "row " + i);
            assertEquals(items[i], rows.get(i).getString(1), "row " + i);
        }

        Path csv = dir.resolve("events.csv");
        Files.writeString(csv, "uid,sku,at\n1,a,2026-01-01 10:00:00\n1,b,2026-01-01 10:05:00\n2,a,yesterday\n");
        List<String> o = List.of("input.path=" + csv, "input.user-col=uid", "input.item-col=sku", "input.time-col=at",
                "input.time-format=yyyy-MM-dd HH:mm:ss");
        EventLog log = new EventLog(JobConfig.load(null, o).config());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.read(spark));
        assertTrue(e.getMessage().startsWith("column at: 1 of 3 rows cannot be parsed")
                && e.getMessage().contains("for example value 'yesterday'")
                && e.getMessage().contains("yyyy-MM-dd HH:mm:ss"), e.getMessage());

        // Numbers since the epoch with a word among them: the column is read as text, and the word is named.
        Path numeric = dir.resolve("numeric.csv");
        Files.writeString(numeric, "user,item,timestamp\nu1,a,1000\nu1,b,1060\nu2,a,yesterday\nu2,b,\nu3,c,1200\n");
        EventLog seconds = new EventLog(JobConfig.load(null, List.of("input.path=" + numeric)).config());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> seconds.read(spark));
        assertTrue(s.getMessage().startsWith("column timestamp: 1 of 5 rows cannot be parsed as a number of seconds "
                + "since the epoch (sasrec.input.time-format = seconds), for example value 'yesterday'"), s.getMessage());
        // Numbers written as text (JSON strings) are read as numbers.
        Path json = dir.resolve("events.json");
        Files.writeString(json, "{\"user\": \"u1\", \"item\": \"a\", \"timestamp\": \"1000\"}\n"
                + "{\"user\": \"u1\", \"item\": \"b\", \"timestamp\": \"1060.5\"}\n"
                + "{\"user\": \"u2\", \"item\": \"a\", \"timestamp\": \"900\"}\n");
        List<Row> read = new EventLog(JobConfig.load(null, List.of("input.path=" + json, "input.format=json"))
                .config()).read(spark).orderBy("timestamp").collectAsList();
        assertEquals(List.of(900.0, 1000.0, 1060.5), read.stream().map(r -> ((Number) r.get(2)).doubleValue()).toList());

        List<String> missing = new ArrayList<>(o);
        missing.add("input.user-col=customer");
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
                () -> new EventLog(JobConfig.load(null, missing).config()).read(spark));
        assertTrue(m.getMessage().contains("no column customer") && m.getMessage().contains("sasrec.input.user-col"), m.getMessage());
    }

    @Test
    void skippedInvalidEventsAreCountedInTheTrainingReport(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("user,item,timestamp\n");
        for (int u = 0; u < 40; u++) {
            for (int t = 0; t < 6; t++) {
                csv.append('u').append(u).append(",i").append((u + t) % 25).append(',').append(1000 + 60 * t).append('\n');
            }
        }
        csv.append(",i1,1000\nu1,,1000\nu2,i3,-60\n");
        Path events = dir.resolve("events.csv");
        Files.writeString(events, csv);
        Path out = dir.resolve("out");
        List<String> o = new ArrayList<>(List.of("input.path=" + events, "sessions.handleInvalid=skip",
                "model.hiddenUnits=8", "model.maxLen=8", "model.maxEpochs=1", "model.validationUsers=0",
                "model.earlyStoppingPatience=0",
                "output.dir=" + out));
        job(o).execute("train");
        JsonNode training = new ObjectMapper().readTree(out.resolve("report").resolve(TrainingReport.JSON).toFile());
        JsonNode skipped = training.get("skippedInvalidEvents");
        assertEquals(1, skipped.get(dev.sasrec.spark.sessions.Sessionizer.USER_INVALID).asInt(), skipped.toString());
        assertEquals(1, skipped.get(dev.sasrec.spark.sessions.Sessionizer.ITEM_INVALID).asInt(), skipped.toString());
        assertEquals(1, skipped.get(dev.sasrec.spark.sessions.Sessionizer.TIME_INVALID).asInt(), skipped.toString());

        o.set(1, "sessions.handleInvalid=error");
        Exception e = assertThrows(Exception.class, () -> job(o).execute("train"));
        StringBuilder m = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            m.append(t.getMessage());
        }
        assertTrue(m.toString().contains("is null or empty") && m.toString().contains("handleInvalid=skip"), m.toString());
    }

    @Test
    void theCommandLineReportsFailuresWithANonZeroStatus() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured));
        try {
            assertEquals(2, SasRecJob.run(new String[]{}));
            assertEquals(2, SasRecJob.run(new String[]{"fit"}));
            assertEquals(1, SasRecJob.run(new String[]{"train", "-Dsasrec.modle.maxEpochs=1"}));
        } finally {
            System.setErr(err);
        }
        String text = captured.toString();
        assertTrue(text.contains("unknown command 'fit'\nusage: SasRecJob train|evaluate|recommend|run"), text);
        assertEquals(3, text.split("usage: SasRecJob", -1).length, "usage after no command and after the unknown one: " + text);
        assertTrue(text.contains("sasrec train failed: unknown configuration key sasrec.modle.maxEpochs"), text);
    }
}
