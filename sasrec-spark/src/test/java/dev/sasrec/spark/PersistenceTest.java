package dev.sasrec.spark;

import dev.sasrec.spark.evaluation.SequentialRankingEvaluator;
import dev.sasrec.spark.filter.InteractionFilter;
import dev.sasrec.spark.index.ItemIndexer;
import dev.sasrec.spark.recommend.SASRec;
import dev.sasrec.spark.sequence.LeaveOneOutSplitter;
import dev.sasrec.spark.sequence.SequenceBuilder;
import dev.sasrec.spark.sessions.Sessionizer;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every stage, the evaluator and an unfitted pipeline of all stages save and load with their params. */
class PersistenceTest {

    @Test
    void unfittedStagesRoundTripWithTheirParams(@TempDir Path dir) throws Exception {
        SparkTestSession.get();
        SASRec sasrec = new SASRec().setHiddenUnits(64).setLoss("sampled").setNumWorkers(3).setCheckpointDir("/tmp/x")
                .setInitialModel("/models/prev").setSeed(7L).setK(20).setColdStartStrategy("popular");
        assertSameParams(sasrec, SASRec.load(save(sasrec, dir, "sasrec")));
        InteractionFilter filter = new InteractionFilter().setMinItemInteractions(3).setMaxIterations(9);
        assertSameParams(filter, InteractionFilter.load(save(filter, dir, "filter")));
        SequentialRankingEvaluator evaluator = new SequentialRankingEvaluator().setMetricName("sampled_hr").setK(5);
        assertSameParams(evaluator, SequentialRankingEvaluator.load(save(evaluator, dir, "evaluator")));

        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[]{
                new Sessionizer().setSessionGapSeconds(1800), filter, new ItemIndexer().setInputCol("items"),
                new SequenceBuilder().setMaxLen(50), new LeaveOneOutSplitter(), sasrec});
        String path = dir.resolve("pipeline").toString();
        pipeline.write().save(path);
        Pipeline back = Pipeline.load(path);
        assertEquals(pipeline.getStages().length, back.getStages().length);
        for (int i = 0; i < pipeline.getStages().length; i++) {
            assertSameParams(pipeline.getStages()[i], back.getStages()[i]);
        }
    }

    private static String save(org.apache.spark.ml.util.MLWritable stage, Path dir, String name) throws Exception {
        String path = dir.resolve(name).toString();
        stage.write().save(path);
        return path;
    }

    @SuppressWarnings("unchecked")
    private static void assertSameParams(Params expected, Params actual) {
        assertEquals(expected.getClass(), actual.getClass());
        assertEquals(expected.uid(), actual.uid());
        for (Param<?> p : expected.params()) {
            Param<Object> mine = (Param<Object>) p;
            Param<Object> theirs = (Param<Object>) actual.getParam(p.name());
            assertEquals(expected.isSet(mine), actual.isSet(theirs), p.name());
            assertEquals(String.valueOf(expected.getOrDefault(mine)), String.valueOf(actual.getOrDefault(theirs)), p.name());
        }
    }
}
