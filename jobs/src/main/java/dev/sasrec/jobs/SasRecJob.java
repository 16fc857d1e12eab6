package dev.sasrec.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import dev.sasrec.engine.score.Scorer;
import dev.sasrec.spark.evaluation.MostPopularRanks;
import dev.sasrec.spark.evaluation.SequentialRankingEvaluator;
import dev.sasrec.spark.filter.InteractionFilter;
import dev.sasrec.spark.index.ItemIndexer;
import dev.sasrec.spark.recommend.SASRec;
import dev.sasrec.spark.recommend.SASRecModel;
import dev.sasrec.spark.recommend.TrainingSummary;
import dev.sasrec.spark.sequence.LeaveOneOutSplitter;
import dev.sasrec.spark.sessions.Sessionizer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * The SASRec jobs, one main class with subcommands, for {@code spark-submit} and {@code bin/sasrec}:
 * <ul>
 *   <li>{@code train}: raw log, interaction filter, Sessionizer, ItemIndexer, SASRec; writes the fitted pipeline and
 *       the training report (learning curve, attention plot, provenance). Warm-starts from the previous model and
 *       resumes from checkpoints when restarted with the same configuration.</li>
 *   <li>{@code evaluate}: ranks each user's last event given the rest (both protocols); writes metrics JSON.</li>
 *   <li>{@code recommend}: top-k for every user from their whole current history; writes Parquet.</li>
 *   <li>{@code run}: train, evaluate and recommend, then prints the metrics and a few recommendations.</li>
 *   <li>{@code stream}: real-time recommendations from a stream of events (files or Kafka) with the trained model;
 *       see {@link StreamJob}.</li>
 * </ul>
 * Usage: {@code SasRecJob <command> [--config FILE] [-Dkey=value ...]}. Exit status 0 on success, 1 on failure
 * (with a message naming what failed), 2 on a usage error.
 */
public final class SasRecJob {

    private static final Logger LOG = LoggerFactory.getLogger(SasRecJob.class);
    private static final String ITEMS = "items";
    private static final String INDEX = "itemIndex";
    /** The LeaveOneOutSplitter's columns: every item but the last, and the last. */
    private static final String TEST_INPUT = "testInput";
    private static final String TEST_TARGET = "testTarget";
    private static final String USAGE = "usage: SasRecJob train|evaluate|recommend|run|stream [--config FILE] [-Dkey=value ...]\n"
            + "  keys and defaults: conf/reference.conf";

    private final JobConfig jobConfig;
    private final Config cfg;
    private final SparkSession spark;
    private final AtomicOutput output;

    SasRecJob(JobConfig jobConfig, SparkSession spark) {
        this.jobConfig = jobConfig;
        this.cfg = jobConfig.config();
        this.spark = spark;
        this.output = new AtomicOutput(spark.sparkContext().hadoopConfiguration());
    }

    /** Entry point. */
    public static void main(String[] args) {
        int status = run(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs a command line; returns the exit status. */
    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.err.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        if (!List.of("train", "evaluate", "recommend", "run", "stream").contains(command)) {
            System.err.println("unknown command '" + command + "'\n" + USAGE);
            return 2;
        }
        File file = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = new File(args[++i]);
            } else if (args[i].startsWith("-D") && args[i].length() > 2) {
                overrides.add(args[i].substring(2));
            } else {
                System.err.println("unexpected argument '" + args[i] + "'\n" + USAGE);
                return 2;
            }
        }
        SparkSession spark = null;
        try {
            JobConfig config = JobConfig.load(file, overrides);
            spark = session(config);
            new SasRecJob(config, spark).execute(command);
            return 0;
        } catch (Exception e) {
            LOG.debug("sasrec {} failed", command, e);
            System.err.println("sasrec " + command + " failed: " + message(e));
            return 1;
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof UncheckedIOException)) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static SparkSession session(JobConfig config) {
        Config cfg = config.config();
        SparkSession.Builder builder = SparkSession.builder().appName(cfg.getString("spark.app-name"));
        if (!cfg.getString("spark.master").isEmpty()) {
            builder.master(cfg.getString("spark.master"));
        }
        config.sparkSettings().forEach(builder::config);
        return builder.getOrCreate();
    }

    /** Runs one command on this job's session. */
    void execute(String command) throws Exception {
        switch (command) {
            case "train" -> train();
            case "evaluate" -> evaluate();
            case "recommend" -> recommend();
            case "stream" -> new StreamJob(cfg, spark).run(sasrecStage(PipelineModel.load(cfg.getString("output.model"))));
            case "run" -> {
                train();
                Map<String, Object> metrics = evaluate();
                Dataset<Row> recs = recommend();
                System.out.println("metrics: " + metrics.get("metrics"));
                System.out.println("most-popular baseline: " + ((Map<?, ?>) metrics.get("baseline")).get("metrics"));
                System.out.println("sample recommendations:");
                recs.orderBy("user").limit(5).collectAsList().forEach(r -> System.out.println("  " + r));
                System.out.println("outputs in " + cfg.getString("output.dir") + " (report: " + cfg.getString("output.report") + ")");
            }
            default -> throw new IllegalArgumentException("unknown command " + command);
        }
    }

    /** Fits the pipeline and writes it with its report. */
    PipelineModel train() throws Exception {
        long t0 = System.nanoTime();
        EventLog log = new EventLog(cfg);
        spark.sparkContext().setJobDescription("SASRec train: reading " + log.describe());
        Sessionizer sessionizer = StageParams.apply(new Sessionizer().setOutputCol(ITEMS).setTimeUnit(log.timeUnit()),
                cfg.getConfig("sessions"), "sessions");
        Dataset<Row> raw = log.read(spark);
        // Invalid events are handled (failed on, or skipped and counted) before the filter could drop them unseen.
        Map<String, Long> invalid = sessionizer.getOrDefault(sessionizer.handleInvalid()).equals("skip")
                ? sessionizer.invalidEvents(raw) : Map.of();
        if (!invalid.isEmpty()) {
            LOG.warn("skipping invalid events: {}", invalid);
        }
        InteractionFilter.Result filtered = StageParams.apply(new InteractionFilter(), cfg.getConfig("filter"), "filter")
                .filter(sessionizer.validEvents(raw));
        LOG.info("{}", filtered.report());
        Dataset<Row> events = filtered.events().cache();

        List<PipelineStage> stages = new ArrayList<>();
        stages.add(sessionizer);
        stages.add(StageParams.apply(new ItemIndexer().setInputCol(ITEMS).setOutputCol(INDEX), cfg.getConfig("indexer"), "indexer"));
        boolean holdOut = cfg.getBoolean("training.hold-out-last");
        if (holdOut) {
            stages.add(new LeaveOneOutSplitter().setInputCol(INDEX));
        }
        SASRec estimator = StageParams.apply(new SASRec(), cfg.getConfig("model"), "model")
                .setUserCol(EventLog.USER).setItemsCol(holdOut ? TEST_INPUT : INDEX)
                .setCheckpointDir(cfg.getString("output.checkpoints"));
        String modelPath = cfg.getString("output.model");
        boolean warmStart = cfg.getBoolean("training.warm-start") && output.exists(modelPath);
        if (warmStart) {
            estimator.setInitialModel(sasrecStage(PipelineModel.load(modelPath)));
            LOG.info("warm start from {}", modelPath);
        }
        stages.add(estimator);
        PipelineModel fitted = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(events);
        SASRecModel model = sasrecStage(fitted);
        // Scoring reads the whole current history; only training left the last event out.
        model.setItemsCol(INDEX);

        spark.sparkContext().setJobDescription("SASRec train: writing the model and its report");
        output.write(modelPath, tmp -> fitted.write().save(tmp));
        TrainingSummary summary = model.summary().orElseThrow();
        Map<String, Object> provenance = provenance("train", log);
        provenance.put("filter", filtered.report().toString());
        provenance.put("skippedInvalidEvents", invalid);
        provenance.put("training", summary.toMap());
        provenance.put("heldOutLastEvent", holdOut);
        provenance.put("warmStartFrom", warmStart ? modelPath : null);
        provenance.put("seconds", (System.nanoTime() - t0) / 1e9);
        float[][][] attention = TrainingPlots.averageAttention(model, indexed(fitted, events), INDEX);
        output.write(cfg.getString("output.report"), tmp -> TrainingReport.write(tmp,
                spark.sparkContext().hadoopConfiguration(), summary, attention, provenance));
        deleteCheckpoints();
        events.unpersist();
        LOG.info("model written to {}, report to {}", modelPath, cfg.getString("output.report"));
        return fitted;
    }

    /** Ranks each user's last event given the rest, under both protocols; writes the metrics JSON. */
    Map<String, Object> evaluate() throws Exception {
        EventLog log = new EventLog(cfg);
        PipelineModel fitted = PipelineModel.load(cfg.getString("output.model"));
        spark.sparkContext().setJobDescription("SASRec evaluate");
        Dataset<Row> indexed = new LeaveOneOutSplitter().setInputCol(INDEX).transform(indexed(fitted, log))
                .filter(col(TEST_TARGET).isNotNull()).cache();
        SASRecModel model = sasrecStage(fitted).copy(new org.apache.spark.ml.param.ParamMap())
                .setItemsCol(TEST_INPUT).setTargetCol(TEST_TARGET).setK(cfg.getInt("evaluation.k"));
        Dataset<Row> ranked = model.transform(indexed).cache();
        SequentialRankingEvaluator evaluator = new SequentialRankingEvaluator().setK(cfg.getInt("evaluation.k"));
        Map<String, Double> metrics = evaluator.evaluateAll(ranked);
        // The same users and protocols (the same sampled negatives) under the most-popular baseline.
        Map<String, Double> baseline = evaluator.evaluateAll(MostPopularRanks.rank(indexed, TEST_INPUT, TEST_TARGET,
                model.network().numItems(), model.network().config().seed()));
        Map<String, Object> json = provenance("evaluate", log);
        json.put("metrics", metrics);
        Map<String, Object> baselineJson = new java.util.LinkedHashMap<>();
        baselineJson.put("name", "most-popular");
        baselineJson.put("metrics", baseline);
        json.put("baseline", baselineJson);
        json.put("users", ranked.count());
        boolean heldOut = java.util.Arrays.stream(fitted.stages()).anyMatch(s -> s instanceof LeaveOneOutSplitter);
        json.put("heldOutLastEventAtTraining", heldOut);
        if (!heldOut) {
            json.put("warning", "the model was trained on the events it is evaluated on (training.hold-out-last = false)");
        }
        ranked.unpersist();
        output.writeBytes(cfg.getString("output.scores"), TrainingPlots.scoreDistributionPng(sasrecStage(fitted),
                indexed, TEST_INPUT, TEST_TARGET));
        indexed.unpersist();
        output.writeText(cfg.getString("output.metrics"), toJson(json));
        LOG.info("metrics {} (most-popular baseline {}) written to {}", metrics, baseline, cfg.getString("output.metrics"));
        return json;
    }

    /** Top-k for every user from their whole current history; writes Parquet (user, recommendations). */
    Dataset<Row> recommend() throws Exception {
        EventLog log = new EventLog(cfg);
        PipelineModel fitted = PipelineModel.load(cfg.getString("output.model"));
        spark.sparkContext().setJobDescription("SASRec recommend");
        SASRecModel model = sasrecStage(fitted).copy(new org.apache.spark.ml.param.ParamMap()).setItemsCol(INDEX)
                .setK(cfg.getInt("recommend.k")).setExcludeSeen(cfg.getBoolean("recommend.exclude-seen"))
                .setExplorationTemperature(cfg.getDouble("recommend.exploration-temperature"));
        Dataset<Row> recs = model.transform(indexed(fitted, log)).select(EventLog.USER, model.getOrDefault(model.recommendationsCol()));
        String path = cfg.getString("output.recommendations");
        output.write(path, tmp -> recs.write().parquet(tmp));
        LOG.info("recommendations written to {} (driver JVM's top-K through the Vector API: {})", path, Scorer.usesVectorApi());
        return spark.read().parquet(path);
    }

    /** The log through the fitted Sessionizer and ItemIndexer. */
    private Dataset<Row> indexed(PipelineModel fitted, EventLog log) {
        return indexed(fitted, log.read(spark));
    }

    /** Events through the fitted Sessionizer and ItemIndexer (the stages before the split and the model). */
    private static Dataset<Row> indexed(PipelineModel fitted, Dataset<Row> events) {
        Dataset<Row> data = events;
        for (Transformer stage : fitted.stages()) {
            if (stage instanceof SASRecModel || stage instanceof LeaveOneOutSplitter) {
                continue;
            }
            data = stage.transform(data);
        }
        return data;
    }

    private static SASRecModel sasrecStage(PipelineModel fitted) {
        for (Transformer stage : fitted.stages()) {
            if (stage instanceof SASRecModel m) {
                return m;
            }
        }
        throw new IllegalStateException("the pipeline holds no SASRecModel stage");
    }

    private void deleteCheckpoints() {
        try {
            Path p = new Path(cfg.getString("output.checkpoints"));
            p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
        } catch (IOException e) {
            LOG.warn("could not delete the checkpoints in {}: {}", cfg.getString("output.checkpoints"), e.getMessage());
        }
    }

    private Map<String, Object> provenance(String command, EventLog log) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", command);
        m.put("version", version());
        m.put("sparkVersion", spark.version());
        m.put("input", log.describe());
        m.put("configuration", jobConfig.config().root().unwrapped());
        return m;
    }

    static String version() {
        String v = SasRecJob.class.getPackage().getImplementationVersion();
        return v != null ? v : "development";
    }

    private static String toJson(Object value) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
