package dev.sasrec.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the walk-through notebook: every Scala cell of {@code notebooks/sasrec-walkthrough.ipynb} except the
 * kernel-specific ones tagged {@code setup} goes through an embedded Scala 2.13 interpreter in order, as a kernel
 * would run it, and the values it leaves behind are checked. Also checks that the Zeppelin note holds the same cells.
 * The notebook can therefore not rot unnoticed even where no Jupyter kernel can be installed.
 */
class NotebookTest {

    private static final Path NOTEBOOKS = Path.of("..", "notebooks").toAbsolutePath().normalize();
    private static final Path NOTEBOOK = NOTEBOOKS.resolve("sasrec-walkthrough.ipynb");
    private static final Path NOTE = NOTEBOOKS.resolve("sasrec-walkthrough.zpln");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** What the setup cells provide in a kernel: here {@code showPng} keeps the images for the checks. */
    private static final String PRELUDE = """
            val shownImages = scala.collection.mutable.ArrayBuffer.empty[Array[Byte]]
            def showPng(png: Array[Byte]): Unit = shownImages += png
            """;

    private static IMain repl;
    private static StringWriter transcript;

    @BeforeAll
    static void runNotebook() throws IOException {
        deleteRecursively(Path.of("target", "notebook"));
        Settings settings = new Settings();
        settings.classpath().value_$eq(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        transcript = new StringWriter();
        repl = new IMain(settings, new ReplReporterImpl(settings, new PrintWriter(transcript, true)));
        interpret("prelude", PRELUDE);
        for (Cell cell : cells()) {
            if (cell.code() && !cell.setup()) {
                interpret(cell.id(), cell.source());
            }
        }
    }

    @AfterAll
    static void close() {
        SparkSession.active().stop();
        repl.close();
    }

    @Test
    void trainsAModelThatRanksFarAboveChance() {
        Map<String, Double> metrics = value("metrics");
        assertTrue(metrics.keySet().containsAll(List.of("full_ndcg@10", "full_hr@10", "sampled_ndcg@10", "sampled_hr@10")),
                "both protocols, NDCG and HR: " + metrics);
        // 300 items: a random ranking puts the held-out item in the top 10 with probability about 0.03.
        assertTrue(metrics.get("full_hr@10") > 0.15, "full HR@10 " + metrics);
        assertTrue(metrics.get("sampled_hr@10") > metrics.get("full_hr@10"), "sampled ranking is easier: " + metrics);
    }

    @Test
    void recommendsTenRawItemsForTheUserAndTheReloadedPipelineAgrees() {
        List<Row> recs = this.<Dataset<Row>>value("forOneUser").collectAsList();
        assertEquals(1, recs.size());
        List<Row> items = recs.get(0).getList(recs.get(0).fieldIndex("recommendations"));
        assertEquals(10, items.size());
        assertTrue(items.get(0).getString(0).startsWith("i"), "raw item ids: " + items);
        List<Row> again = this.<Dataset<Row>>value("again").collectAsList();
        assertEquals(recs, again, "the saved and reloaded pipeline recommends the same");
    }

    @Test
    void showsTheLearningCurveAndTheAttentionPlot() {
        scala.collection.mutable.ArrayBuffer<byte[]> shown = value("shownImages");
        assertEquals(2, shown.size());
        for (int i = 0; i < 2; i++) {
            byte[] png = shown.apply(i);
            assertTrue(png.length > 5_000, "a drawn chart, not an empty image: " + png.length + " bytes");
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length));
        }
    }

    @Test
    void zeppelinNoteHoldsTheSameCells() throws IOException {
        List<String> expected = new ArrayList<>();
        for (Cell cell : cells()) {
            if (!cell.setup()) {
                expected.add((cell.code() ? "%spark\n" : "%md\n") + cell.source());
            }
        }
        List<String> actual = new ArrayList<>();
        for (JsonNode p : JSON.readTree(NOTE.toFile()).get("paragraphs")) {
            if (p.path("title").isNull() || p.path("title").isMissingNode()) {
                actual.add(p.get("text").asText());
            }
        }
        assertEquals(expected, actual, "notebooks/sasrec-walkthrough.zpln is out of step with the Jupyter notebook: "
                + "run notebooks/make-zeppelin-note.py");
    }

    private record Cell(String id, boolean code, boolean setup, String source) {
    }

    private static List<Cell> cells() throws IOException {
        List<Cell> cells = new ArrayList<>();
        for (JsonNode c : JSON.readTree(NOTEBOOK.toFile()).get("cells")) {
            StringBuilder source = new StringBuilder();
            c.get("source").forEach(line -> source.append(line.asText()));
            boolean setup = StreamSupport.stream(c.path("metadata").path("tags").spliterator(), false)
                    .anyMatch(t -> t.asText().equals("setup"));
            cells.add(new Cell(c.path("id").asText(), c.get("cell_type").asText().equals("code"), setup, source.toString()));
        }
        return cells;
    }

    private static void interpret(String cell, String source) {
        Results.Result result = repl.interpret(source);
        assertEquals(Results.Success$.MODULE$, result, "notebook cell " + cell + " failed:\n" + source
                + "\n--- interpreter output ---\n" + transcript);
    }

    @SuppressWarnings("unchecked")
    private <T> T value(String term) {
        return (T) repl.valueOfTerm(term).getOrElse(() -> {
            throw new AssertionError("the notebook defines no value " + term);
        });
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (Files.exists(p)) {
            try (var walk = Files.walk(p)) {
                for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(q);
                }
            }
        }
    }
}
