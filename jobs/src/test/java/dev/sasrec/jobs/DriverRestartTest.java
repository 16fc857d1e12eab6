package dev.sasrec.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver of a nightly {@code train} dies (SIGKILL) after a checkpoint: nothing of the killed run is visible
 * as a result, and the same command run again resumes from the latest checkpoint the killed run completed,
 * finishes, and leaves neither checkpoints nor temporary directories behind.
 */
class DriverRestartTest {

    @Test
    void aKilledTrainLeavesNoResultAndTheSameCommandResumesFromItsCheckpoint(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path log1 = dir.resolve("first.log");
        Process first = train(out, log1);
        Path checkpoints = out.resolve("checkpoints");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (checkpointCount(checkpoints) == 0) {
            assertTrue(first.isAlive(), "the run ended before its first checkpoint:\n" + Files.readString(log1));
            assertTrue(System.nanoTime() < deadline, "no checkpoint within 4 minutes:\n" + Files.readString(log1));
            Thread.sleep(100);
        }
        first.destroyForcibly();
        assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the killed driver ended");
        int latest = latestCheckpoint(checkpoints);
        assertFalse(Files.exists(out.resolve("model")), "the killed run left a model");
        assertFalse(Files.exists(out.resolve("report")), "the killed run left a report");

        Path log2 = dir.resolve("second.log");
        Process second = train(out, log2);
        assertTrue(second.waitFor(5, TimeUnit.MINUTES), Files.readString(log2));
        String text = Files.readString(log2);
        assertEquals(0, second.exitValue(), text);
        assertTrue(text.contains("resuming from the checkpoint of epoch"), text);
        JsonNode training = new ObjectMapper().readTree(out.resolve("report").resolve(TrainingReport.JSON).toFile())
                .get("training");
        assertTrue(latest >= 1 && latest < 6, "the killed run checkpointed epochs 1.." + latest);
        assertEquals(latest, training.get("resumedAfterEpoch").asInt(), "resumed from the latest checkpoint: " + training);
        assertTrue(text.contains("resuming from the checkpoint of epoch " + latest + " "), text);
        assertEquals(6, training.get("epochs").size(), "all epochs are in the summary: " + training);
        for (int e = 0; e < 6; e++) {
            assertEquals(e + 1, training.get("epochs").get(e).get("epoch").asInt(), training.toString());
        }
        assertTrue(Files.exists(out.resolve("model")));
        assertFalse(Files.exists(checkpoints), "checkpoints are removed after the successful run");
        try (Stream<Path> all = Files.walk(out)) {
            List<Path> temporary = all.filter(p -> p.getFileName().toString().startsWith("_tmp-")
                    || p.getFileName().toString().startsWith("_old-") || p.getFileName().toString().endsWith(".tmp")).toList();
            assertEquals(List.of(), temporary, "temporary outputs left behind");
        }
    }

    /** The highest epoch among the complete (renamed into place) checkpoints in {@code dir}. */
    private static int latestCheckpoint(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("epoch-"))
                    .mapToInt(n -> Integer.parseInt(n.substring("epoch-".length()))).max().orElse(0);
        }
    }

    private static Process train(Path out, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")).forEach(cmd::add);
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                SasRecJob.class.getName(), "train", "-Dsasrec.spark.master=local[2]",
                "-Dsasrec.spark.conf.spark.ui.enabled=false", "-Dsasrec.input.format=generated",
                "-Dsasrec.input.generated.users=400", "-Dsasrec.input.generated.items=80",
                "-Dsasrec.model.hiddenUnits=16", "-Dsasrec.model.maxLen=20", "-Dsasrec.model.maxEpochs=6",
                "-Dsasrec.model.batchSize=32", "-Dsasrec.model.validationUsers=50", "-Dsasrec.model.checkpointInterval=1",
                "-Dsasrec.output.dir=" + out));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static long checkpointCount(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("epoch-")).count();
        }
    }
}
