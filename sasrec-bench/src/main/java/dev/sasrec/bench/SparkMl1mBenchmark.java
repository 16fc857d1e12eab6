package dev.sasrec.bench;

import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.engine.eval.LeaveOneOutEvaluator;
import dev.sasrec.engine.eval.Protocol;
import dev.sasrec.engine.eval.RankingMetrics;
import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.train.EpochReport;
import dev.sasrec.engine.train.FitOptions;
import dev.sasrec.engine.train.SasRecTrainer;
import dev.sasrec.engine.train.TrainingSet;
import dev.sasrec.spark.evaluation.SequentialRankingEvaluator;
import dev.sasrec.spark.recommend.SASRec;
import dev.sasrec.spark.recommend.SASRecModel;
import dev.sasrec.spark.recommend.TrainingSummary;
import dev.sasrec.spark.sequence.LeaveOneOutSplitter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * SASRec through Spark ({@code local[2]}, 2 workers, parameter averaging) against the engine alone on the same
 * MovieLens-1M split and epochs. Ends with one JSON line: {@code seconds_per_epoch}, {@code engine_seconds_per_epoch},
 * {@code sampled_ndcg10}, {@code full_ndcg10} (Spark, test split) and the engine's two NDCG@10 for comparison.
 */
public final class SparkMl1mBenchmark {

    private SparkMl1mBenchmark() {
    }

    /** Entry point; see {@code bench/spark-ml1m.sh}. */
    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, Set.of("data", "epochs", "workers", "averaging-frequency", "master", "loss", "recipe"));
        int epochs = a.getInt("epochs", 20);
        UserSequences data = UserSequences.read(Path.of(a.get("data", "../shared/data/ml-1m/ml-1m.txt")));
        SASRec estimator = new SASRec().setItemsCol("train").setMaxEpochs(epochs)
                .setNumWorkers(a.getInt("workers", 2)).setAveragingFrequency(a.getInt("averaging-frequency", 8));
        String recipe = a.get("recipe", "none");
        if (!recipe.equals("none")) {
            estimator.setRecipe(recipe);
        }
        String loss = a.get("loss", null);
        if (loss != null) {
            estimator.setLoss(loss);
        }

        // The engine alone first, in a JVM Spark has not used yet, at its fastest on two cores (as
        // bench/train-ml1m.sh runs it): two pass threads with one native thread each, 6,400 positions per pass,
        // a garbage collection after every step (cheap in this small JVM; Spark's training in local mode never
        // collects, since a collection over Spark's heap costs four times as much).
        NativeThreads.set(1);
        LeaveOneOutSplit engineSplit = LeaveOneOutSplit.of(data);
        SasRecTrainer trainer = new SasRecTrainer(estimator.engineConfig(), data.numItems())
                .maxPositionsPerPass(6_400).passThreads(2);
        List<EpochReport> reports = trainer.fit(TrainingSet.of(engineSplit), new FitOptions(epochs, 0, 0),
                r -> System.out.println("engine " + r.progressLine(epochs)), null);
        double engineEpoch = Median.of(reports.stream().mapToDouble(EpochReport::seconds).toArray());
        RankingMetrics sampled = LeaveOneOutEvaluator.evaluate(trainer.network().newScorer(), engineSplit,
                LeaveOneOutEvaluator.Split.TEST, Protocol.SAMPLED_100, 10, 10_000, 1);
        RankingMetrics full = LeaveOneOutEvaluator.evaluate(trainer.network().newScorer(), engineSplit,
                LeaveOneOutEvaluator.Split.TEST, Protocol.FULL, 10, 10_000, 1);
        System.out.println("engine " + sampled + " | " + full);

        SparkSession spark = SparkSession.builder().master(a.get("master", "local[2]")).appName("sasrec-spark-ml1m")
                .config("spark.ui.enabled", "false").getOrCreate();
        StructType schema = new StructType().add("user", DataTypes.IntegerType)
                .add("itemIndex", new ArrayType(DataTypes.IntegerType, false));
        List<Row> rows = new ArrayList<>();
        for (int u = 0; u < data.numUsers(); u++) {
            rows.add(RowFactory.create(u, Arrays.stream(data.sequences()[u]).boxed().toArray(Integer[]::new)));
        }
        Dataset<Row> split = new LeaveOneOutSplitter().transform(spark.createDataFrame(rows, schema)).cache();
        SASRecModel model = estimator.fit(split);
        TrainingSummary summary = model.summary().orElseThrow();
        summary.epochs().forEach(e -> System.out.println("spark " + e));
        Dataset<Row> ranked = model.setItemsCol("testInput").setTargetCol("testTarget").transform(split.drop("recommendations"));
        Map<String, Double> spark10 = new SequentialRankingEvaluator().evaluateAll(ranked);
        System.out.println("spark test metrics: " + spark10);
        double sparkEpoch = Median.of(summary.epochs().stream().mapToDouble(TrainingSummary.Epoch::seconds).toArray());
        spark.stop();
        System.out.printf(Locale.ROOT, "{\"seconds_per_epoch\": %.2f, \"engine_seconds_per_epoch\": %.2f, "
                        + "\"sampled_ndcg10\": %.4f, \"full_ndcg10\": %.4f, \"engine_sampled_ndcg10\": %.4f, "
                        + "\"engine_full_ndcg10\": %.4f, \"epochs\": %d}%n",
                sparkEpoch, engineEpoch, spark10.get("sampled_ndcg@10"), spark10.get("full_ndcg@10"),
                sampled.ndcg(), full.ndcg(), epochs);
    }
}
