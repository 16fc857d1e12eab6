package dev.sasrec.spark.evaluation;

import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.engine.eval.LeaveOneOutEvaluator;
import dev.sasrec.engine.eval.Protocol;
import dev.sasrec.engine.eval.RankingMetrics;
import dev.sasrec.spark.SequenceFrames;
import dev.sasrec.spark.SparkTestSession;
import dev.sasrec.spark.recommend.SASRec;
import dev.sasrec.spark.recommend.SASRecModel;
import dev.sasrec.spark.sequence.LeaveOneOutSplitter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequentialRankingEvaluatorTest {

    @Test
    void distributedMetricsMatchTheEngineAndNameTheirProtocol() {
        SparkSession spark = SparkTestSession.get();
        UserSequences data = SyntheticSequences.generate(300, 80, 8, 25, 0.9, 5);
        Dataset<Row> split = new LeaveOneOutSplitter().transform(SequenceFrames.of(spark, data.sequences()));
        SASRecModel model = new SASRec().setItemsCol("train").setHiddenUnits(16).setMaxLen(20).setMaxEpochs(3)
                .setBatchSize(64).setLearningRate(0.005).setNumWorkers(1).fit(split);
        Dataset<Row> ranked = model.setItemsCol("testInput").setTargetCol("testTarget").transform(split.drop("recommendations"));

        Map<String, Double> all = new SequentialRankingEvaluator().evaluateAll(ranked);
        RankingMetrics engine = LeaveOneOutEvaluator.evaluate(model.network().newScorer(), LeaveOneOutSplit.of(data),
                LeaveOneOutEvaluator.Split.TEST, Protocol.FULL, 10, 10_000, 1);
        assertEquals(engine.ndcg(), all.get("full_ndcg@10"), 1e-9);
        assertEquals(engine.hitRate(), all.get("full_hr@10"), 1e-9);
        assertEquals(300.0, all.get("full_users"));
        assertEquals(300.0, all.get("sampled_users"));
        assertTrue(all.get("sampled_ndcg@10") > 0 && all.get("sampled_ndcg@10") <= all.get("sampled_hr@10"), all.toString());
        assertTrue(all.get("full_hr@10") > 0.3, all.toString());
        // Each metric is the protocol's formula over the model's rank columns: NDCG@10 = 1 / log2(rank + 2) for
        // ranks under 10, HR@10 the share of ranks under 10; each metric name also reads alone.
        for (String protocol : new String[]{"full", "sampled"}) {
            double ndcg = 0;
            double hits = 0;
            List<Row> ranks = ranked.select(protocol + "Rank").collectAsList();
            for (Row r : ranks) {
                int rank = r.getInt(0);
                assertTrue(rank >= 0 && rank <= (protocol.equals("full") ? 80 : 100), protocol + " rank " + rank);
                ndcg += rank < 10 ? Math.log(2) / Math.log(rank + 2) : 0;
                hits += rank < 10 ? 1 : 0;
            }
            assertEquals(ndcg / ranks.size(), all.get(protocol + "_ndcg@10"), 1e-12, protocol);
            assertEquals(hits / ranks.size(), all.get(protocol + "_hr@10"), 1e-12, protocol);
            assertEquals(ndcg / ranks.size(),
                    new SequentialRankingEvaluator().setMetricName(protocol + "_ndcg").evaluate(ranked), 1e-12, protocol);
            assertEquals(hits / ranks.size(),
                    new SequentialRankingEvaluator().setMetricName(protocol + "_hr").evaluate(ranked), 1e-12, protocol);
        }
        // The sampled ranks come from other negative draws than the engine's own sampled evaluation, so the two
        // agree up to the sampling noise of 300 users.
        RankingMetrics engineSampled = LeaveOneOutEvaluator.evaluate(model.network().newScorer(), LeaveOneOutSplit.of(data),
                LeaveOneOutEvaluator.Split.TEST, Protocol.SAMPLED_100, 10, 10_000, 1);
        assertEquals(engineSampled.ndcg(), all.get("sampled_ndcg@10"), 0.06, all.toString());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SequentialRankingEvaluator().evaluate(split));
        assertTrue(e.getMessage().contains("fullRank"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SequentialRankingEvaluator().setMetricName("ndcg"));
        assertTrue(e.getMessage().contains("metricName given invalid value ndcg"), e.getMessage());
    }
}
