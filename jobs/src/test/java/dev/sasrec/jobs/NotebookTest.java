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
 *
 * <p>The run's outputs (what each cell prints, the plots it shows) are written into a copy of the notebook,
 * {@code target/notebook/sasrec-walkthrough.ipynb}; with {@code -Dnotebook.update=true} also into the stored
 * notebook, which a code host then shows with its tables and plots. The stored outputs must match a fresh run's,
 * numbers aside (timings differ from run to run), so they cannot drift from the code unnoticed.
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

    private static final Path EXECUTED = Path.of("target", "notebook", "sasrec-walkthrough.ipynb");

    private static IMain repl;
    private static StringWriter transcript;
    /** Per executed cell id: what it printed and the plots it showed, in order. */
    private static final Map<String, CellOutput> OUTPUTS = new java.util.LinkedHashMap<>();

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
                int shownBefore = shownImages().size();
                java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
                try (java.io.PrintStream out = new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8)) {
                    scala.Console.withOut(out, () -> {
                        interpret(cell.id(), cell.source());
                        return null;
                    });
                }
                List<byte[]> images = new ArrayList<>();
                for (int i = shownBefore; i < shownImages().size(); i++) {
                    images.add(shownImages().apply(i));
                }
                OUTPUTS.put(cell.id(), new CellOutput(printed.toString(java.nio.charset.StandardCharsets.UTF_8), images));
            }
        }
        writeExecutedNotebook();
    }

    /** The notebook with this run's outputs, in target/ and, with -Dnotebook.update=true, in notebooks/. */
    private static void writeExecutedNotebook() throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode notebook = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(NOTEBOOK.toFile());
        int count = 0;
        for (JsonNode c : notebook.get("cells")) {
            if (!c.get("cell_type").asText().equals("code")) {
                continue;
            }
            com.fasterxml.jackson.databind.node.ObjectNode cell = (com.fasterxml.jackson.databind.node.ObjectNode) c;
            CellOutput output = OUTPUTS.get(cell.path("id").asText());
            com.fasterxml.jackson.databind.node.ArrayNode outputs = cell.putArray("outputs");
            if (output == null) {
                cell.putNull("execution_count");
                continue;
            }
            cell.put("execution_count", ++count);
            if (!output.text().isEmpty()) {
                com.fasterxml.jackson.databind.node.ObjectNode stream = outputs.addObject();
                stream.put("output_type", "stream");
                stream.put("name", "stdout");
                com.fasterxml.jackson.databind.node.ArrayNode lines = stream.putArray("text");
                for (String line : output.text().split("(?<=\n)")) {
                    lines.add(line);
                }
            }
            for (byte[] png : output.images()) {
                com.fasterxml.jackson.databind.node.ObjectNode display = outputs.addObject();
                display.put("output_type", "display_data");
                display.putObject("data").put("image/png", java.util.Base64.getEncoder().encodeToString(png));
                display.putObject("metadata");
            }
        }
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(notebook) + "\n";
        Files.createDirectories(EXECUTED.getParent());
        Files.writeString(EXECUTED, text);
        if (Boolean.getBoolean("notebook.update")) {
            Files.writeString(NOTEBOOK, text);
        }
    }

    private static scala.collection.mutable.ArrayBuffer<byte[]> shownImages() {
        @SuppressWarnings("unchecked")
        scala.collection.mutable.ArrayBuffer<byte[]> shown = (scala.collection.mutable.ArrayBuffer<byte[]>) repl
                .valueOfTerm("shownImages").get();
        return shown;
    }

    private record CellOutput(String text, List<byte[]> images) {
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
        assertTrue(metrics.get("sampled_hr@10") > metrics.get("full_hr@10"), "sampled ranking is easier: " + metrics);
        // The generated log is shaped like a real one: the most-popular ranking scores far above chance (10 / 1,000
        // for full HR@10), and the model clearly above it.
        Map<String, Double> popular = value("popular");
        assertTrue(popular.get("full_hr@10") > 0.05, "most-popular full HR@10 " + popular);
        assertTrue(metrics.get("full_ndcg@10") > 2 * popular.get("full_ndcg@10"), metrics + " against " + popular);
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
    void showsTheLearningCurveTheScoreDistributionAndTheAttentionPlot() {
        scala.collection.mutable.ArrayBuffer<byte[]> shown = value("shownImages");
        assertEquals(3, shown.size());
        for (int i = 0; i < 3; i++) {
            byte[] png = shown.apply(i);
            assertTrue(png.length > 5_000, "a drawn chart, not an empty image: " + png.length + " bytes");
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length));
        }
    }

    @Test
    void theStoredNotebookHoldsTheOutputsOfThisCodeNumbersAside() throws IOException {
        JsonNode stored = JSON.readTree(NOTEBOOK.toFile());
        JsonNode executed = JSON.readTree(EXECUTED.toFile());
        int code = 0;
        for (int i = 0; i < stored.get("cells").size(); i++) {
            JsonNode was = stored.get("cells").get(i);
            JsonNode now = executed.get("cells").get(i);
            if (!OUTPUTS.containsKey(now.path("id").asText())) {
                continue;
            }
            code++;
            String cell = "cell " + now.path("id").asText() + ": ";
            assertEquals(outputTypes(now), outputTypes(was), cell + "the stored outputs differ from a run's; rerun the "
                    + "notebook test with -Dnotebook.update=true");
            assertEquals(numbersAside(text(now)), numbersAside(text(was)), cell + "the stored output differs from a "
                    + "run's beyond numbers; rerun the notebook test with -Dnotebook.update=true");
        }
        assertEquals(OUTPUTS.size(), code);
        long plots = OUTPUTS.values().stream().mapToLong(o -> o.images().size()).sum();
        assertEquals(3, plots, "score distribution, learning curve and attention");
    }

    private static List<String> outputTypes(JsonNode cell) {
        List<String> types = new ArrayList<>();
        for (JsonNode o : cell.get("outputs")) {
            types.add(o.get("output_type").asText() + (o.has("data") ? " " + o.get("data").fieldNames().next() : ""));
        }
        return types;
    }

    private static String text(JsonNode cell) {
        StringBuilder text = new StringBuilder();
        for (JsonNode o : cell.get("outputs")) {
            o.path("text").forEach(line -> text.append(line.asText()));
        }
        return text.toString();
    }

    private static String numbersAside(String text) {
        return text.replaceAll("[0-9]+", "#");
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
