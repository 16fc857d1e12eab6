package dev.sasrec.jobs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code stream} job's driver is killed (SIGKILL) mid-batch, after the batch wrote an output file and before it
 * committed it, while it works through a backlog of event files a file per micro-batch; started again with the same
 * command, it finishes the backlog: the Parquet sink then holds every refresh exactly once (no event lost, no
 * duplicate row), and every user's last refresh was scored from all of their events.
 */
class StreamRestartTest {

    private static final int FILES = 12;
    private static final int USERS_PER_FILE = 5;
    private static final int EVENTS_PER_USER_AND_FILE = 2;

    @Test
    void aKilledStreamRestartedFromItsCheckpointLosesNoEventAndWritesNoDuplicate(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("trained");
        SparkSession spark = SparkSession.builder().master("local[2]").appName("sasrec-stream-restart-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        try {
            new SasRecJob(JobConfig.load(null, StreamJobTest.trainingSettings(model)), spark).execute("train");
            Path in = Files.createDirectories(dir.resolve("in"));
            Map<String, Integer> eventsPerUser = new HashMap<>();
            long t = 1_800_000_000L;
            for (int f = 0; f < FILES; f++) {
                StringBuilder lines = new StringBuilder();
                for (int j = 0; j < USERS_PER_FILE; j++) {
                    String user = "s" + ((f % 4) * USERS_PER_FILE + j);
                    for (int e = 0; e < EVENTS_PER_USER_AND_FILE; e++) {
                        lines.append("{\"user\":\"").append(user).append("\",\"item\":\"i").append(1 + (f * 7 + j + e) % 50)
                                .append("\",\"timestamp\":").append(t + f * 60 + e).append("}\n");
                        eventsPerUser.merge(user, 1, Integer::sum);
                    }
                }
                Files.writeString(in.resolve(String.format("events-%02d.json", f)), lines);
            }

            Path commits = dir.resolve("checkpoint").resolve("recommendations").resolve("commits");
            Path log1 = dir.resolve("first.log");
            Process first = stream(dir, model, log1);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            // after two micro-batches, kill as soon as a batch has written an output file that the sink's log does
            // not list yet: mid-batch, between the write and the commit
            Path recs = dir.resolve("recs");
            while (count(commits) < 2 || uncommitted(recs).isEmpty()) {
                assertTrue(first.isAlive(), "the stream ended before it was caught mid-batch:\n" + Files.readString(log1));
                assertTrue(System.nanoTime() < deadline, "not caught mid-batch within 4 minutes:\n" + Files.readString(log1));
                Thread.sleep(2);
            }
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the killed driver ended");
            Set<String> orphans = uncommitted(recs);
            assertTrue(!orphans.isEmpty(), "killed between a batch's write and its commit");
            assertTrue(count(commits) < FILES, "killed with files still to process");

            Path log2 = dir.resolve("second.log");
            Process second = stream(dir, model, log2);
            assertTrue(second.waitFor(4, TimeUnit.MINUTES), Files.readString(log2));
            assertEquals(0, second.exitValue(), Files.readString(log2));

            List<Row> rows = spark.read().parquet(recs.toString()).collectAsList();
            assertTrue(Files.exists(recs.resolve(orphans.iterator().next())), "the killed batch's file is still there, "
                    + "uncommitted: the sink's log keeps it out of the result");
            assertEquals(FILES * USERS_PER_FILE, rows.size(), "one refresh per user and file, each written once");
            Set<String> refreshes = new HashSet<>();
            Map<String, Integer> lastLength = new HashMap<>();
            for (Row r : rows) {
                String user = r.getString(r.fieldIndex("user"));
                assertTrue(refreshes.add(user + "@" + r.getTimestamp(r.fieldIndex("eventTime"))), "duplicate refresh " + r);
                lastLength.merge(user, r.getInt(r.fieldIndex("historyLength")), Math::max);
            }
            for (Map.Entry<String, Integer> e : eventsPerUser.entrySet()) {
                assertEquals(Math.min(10, e.getValue()), lastLength.get(e.getKey()), "history of " + e.getKey());
            }
        } finally {
            spark.stop();
        }
    }

    private static Process stream(Path dir, Path model, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")).forEach(cmd::add);
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                SasRecJob.class.getName(), "stream"));
        for (String s : StreamJobTest.trainingSettings(model)) {
            cmd.add("-Dsasrec." + s);
        }
        cmd.addAll(List.of("-Dsasrec.spark.master=local[2]", "-Dsasrec.spark.conf.spark.ui.enabled=false",
                "-Dsasrec.spark.conf.spark.sql.shuffle.partitions=2", "-Dsasrec.stream.path=" + dir.resolve("in"),
                "-Dsasrec.stream.max-files-per-trigger=1", "-Dsasrec.stream.trigger=available-now",
                "-Dsasrec.stream.checkpoint=" + dir.resolve("checkpoint"), "-Dsasrec.output.stream=" + dir.resolve("recs"),
                "-Dsasrec.output.dead-letters=" + dir.resolve("dead")));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Part files in the sink's directory that none of its committed batch logs lists. */
    private static Set<String> uncommitted(Path sink) throws IOException {
        Set<String> parts = new HashSet<>();
        if (!Files.isDirectory(sink)) {
            return parts;
        }
        try (Stream<Path> s = Files.list(sink)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("part-") && n.endsWith(".parquet")).forEach(parts::add);
        }
        Path log = sink.resolve("_spark_metadata");
        if (Files.isDirectory(log)) {
            try (Stream<Path> s = Files.list(log)) {
                for (Path batch : s.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    String text = Files.readString(batch);
                    parts.removeIf(text::contains);
                }
            }
        }
        return parts;
    }

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d+")).count();
        }
    }
}
