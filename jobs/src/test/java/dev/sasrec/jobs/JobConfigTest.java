package dev.sasrec.jobs;

import com.typesafe.config.Config;
import dev.sasrec.spark.recommend.SASRec;
import org.apache.spark.ml.param.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobConfigTest {

    @Test
    void filesAndOverridesApplyInOrderAndSubstitutionsFollowThem(@TempDir Path dir) throws Exception {
        File file = dir.resolve("job.conf").toFile();
        Files.writeString(file.toPath(), "sasrec { model.maxEpochs = 7, output.dir = \"/data/out\", input.format = json }");
        Config c = JobConfig.load(file, List.of("sasrec.model.maxEpochs=9", "input.path=hdfs://nn/logs/2026-11-22")).config();
        assertEquals(9, c.getInt("model.maxEpochs"), "-D beats the file");
        assertEquals("json", c.getString("input.format"), "the file beats the reference");
        assertEquals("/data/out/model", c.getString("output.model"), "paths follow output.dir");
        assertEquals("hdfs://nn/logs/2026-11-22", c.getString("input.path"));
        assertEquals(0.2, c.getDouble("model.dropout"), "reference default");
    }

    @Test
    void aPathGivenWithTheGeneratedLogFailsInsteadOfBeingIgnored() {
        File local = Path.of("..", "conf", "local.conf").toAbsolutePath().normalize().toFile();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.load(local, List.of("sasrec.input.path=my.csv")));
        assertTrue(e.getMessage().startsWith("configuration key sasrec.input.path: value 'my.csv' is unused because "
                + "sasrec.input.format = generated"), e.getMessage());
        assertTrue(e.getMessage().contains("local.conf") && e.getMessage().contains("set sasrec.input.format to csv"),
                e.getMessage());
        assertEquals("csv", JobConfig.load(local, List.of("sasrec.input.path=my.csv", "sasrec.input.format=csv"))
                .config().getString("input.format"), "with a file format the path is read");
    }

    @Test
    void anUnknownKeyIsNamedWithTheNearestKnownOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.load(null, List.of("sasrec.model.maxEpoch=3")));
        assertTrue(e.getMessage().contains("unknown configuration key sasrec.model.maxEpoch"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean sasrec.model.maxEpochs?"), e.getMessage());
        // Free-form Spark settings are allowed.
        assertEquals("8", JobConfig.load(null, List.of("sasrec.spark.conf.\"spark.sql.shuffle.partitions\"=8"))
                .config().getConfig("spark.conf").root().get("spark.sql.shuffle.partitions").unwrapped().toString());
    }

    @Test
    void sparkSettingsKeepTheirSparkNamesQuotedOrNot() {
        // The reference's own setting (spark.task.maxDirectResultSize) stays beside the overrides.
        assertEquals(java.util.Map.of("spark.sql.shuffle.partitions", "8", "spark.ui.enabled", "false",
                        "spark.task.maxDirectResultSize", "128m"),
                JobConfig.load(null, List.of("sasrec.spark.conf.\"spark.sql.shuffle.partitions\"=8",
                        "sasrec.spark.conf.spark.ui.enabled=false")).sparkSettings());
    }

    @Test
    void aWrongTypeIsNamedAtLoad() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.load(null, List.of("training.hold-out-last=sometimes")));
        assertTrue(e.getMessage().contains("sasrec.training.hold-out-last"), e.getMessage());
    }

    @Test
    void anInvalidParamValueNamesTheKeyTheValueAndTheRange() {
        Config c = JobConfig.load(null, List.of("model.dropout=1.5")).config();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StageParams.apply(new SASRec(), c.getConfig("model"), "model"));
        assertTrue(e.getMessage().contains("sasrec.model.dropout") && e.getMessage().contains("1.5")
                && e.getMessage().contains("[0, 1)"), e.getMessage());
    }

    @Test
    void theReferenceModelSectionMatchesTheEstimatorsParamsAndDefaults() {
        Config model = JobConfig.load(null, List.of()).config().getConfig("model");
        SASRec defaults = new SASRec();
        SASRec configured = StageParams.apply(new SASRec(), model, "model");
        // Set by the job from output.*, training.* and recommend.*.
        Set<String> setByTheJob = Set.of("checkpointDir", "initialModel", "k", "excludeSeen",
                "explorationTemperature");
        for (Param<?> p : defaults.params()) {
            if (p.name().endsWith("Col") || setByTheJob.contains(p.name())) {
                continue;
            }
            assertTrue(model.hasPath(p.name()), "conf/reference.conf lacks sasrec.model." + p.name());
            // The jobs validate after every epoch and stop early by default; the estimator does neither.
            if (!Set.of("validationUsers", "earlyStoppingPatience").contains(p.name())) {
                assertEquals(defaults.getOrDefault(p), configured.getOrDefault(configured.getParam(p.name())), "default of " + p.name());
            }
        }
    }

    @Test
    void aRecipeReplacesTheReferenceValuesButNotTheUsersOwn(@TempDir Path dir) throws Exception {
        File file = dir.resolve("job.conf").toFile();
        Files.writeString(file.toPath(), "sasrec.model { recipe = sampled-ce, dropout = 0.25 }");
        Config model = JobConfig.load(file, List.of("model.numNegatives=500")).config().getConfig("model");
        assertEquals("sampled", model.getString("loss"), "the recipe's, over the reference's bce");
        assertEquals(64, model.getInt("hiddenUnits"), "the recipe's, over the reference's 50");
        assertEquals(0.25, model.getDouble("dropout"), "the file's own value wins over the recipe's 0.1");
        assertEquals(500, model.getInt("numNegatives"), "an override wins over the recipe's 3000");
        assertEquals(200, model.getInt("maxLen"), "not the recipe's: the reference's");
        SASRec configured = StageParams.apply(new SASRec(), model, "model");
        assertEquals("sampled-ce", configured.getRecipe());
        assertEquals(64, configured.engineConfig().hiddenUnits());
        assertEquals(0.2, JobConfig.load(null, List.of()).config().getDouble("model.dropout"), "no recipe: the reference");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.load(null, List.of("model.recipe=sasrec+")));
        assertTrue(e.getMessage().contains("sasrec.model.recipe") && e.getMessage().contains("'sasrec+'")
                && e.getMessage().contains("paper, ce, sampled-ce, gbce"), e.getMessage());
    }

    @Test
    void theReferenceGeneratedLogIsTheDemoLogTheNotebookUses() {
        Config g = JobConfig.load(null, List.of()).config().getConfig("input.generated");
        assertEquals(dev.sasrec.engine.data.SyntheticLog.DEMO, EventLog.shape(g));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventLog.shape(JobConfig.load(
                null, List.of("input.generated.taste-strength=0.9")).config().getConfig("input.generated")));
        assertEquals("configuration section sasrec.input.generated: tasteStrength: invalid value 0.9, expected a value "
                + "in [0, 1 - ruleStrength]", e.getMessage());
    }
}
