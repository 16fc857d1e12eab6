package dev.sasrec.spark;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Transformer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.ServiceLoader;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spark Connect finds ML stages through ServiceLoader; every stage must be listed and constructible. */
class ServiceRegistrationTest {

    @Test
    void everyStageIsRegisteredAndConstructible() throws Exception {
        Set<String> names = new HashSet<>();
        // Listing provider types does not instantiate them (Spark's own models have no no-argument constructor).
        ServiceLoader.load(Estimator.class).stream().forEach(p -> names.add(p.type().getName()));
        ServiceLoader.load(Transformer.class).stream().forEach(p -> names.add(p.type().getName()));
        ServiceLoader.load(org.apache.spark.ml.evaluation.Evaluator.class).stream().forEach(p -> names.add(p.type().getName()));
        for (String expected : new String[]{"dev.sasrec.spark.recommend.SASRec", "dev.sasrec.spark.index.ItemIndexer",
                "dev.sasrec.spark.sessions.Sessionizer", "dev.sasrec.spark.filter.InteractionFilter",
                "dev.sasrec.spark.sequence.SequenceBuilder", "dev.sasrec.spark.sequence.LeaveOneOutSplitter",
                "dev.sasrec.spark.evaluation.SequentialRankingEvaluator"}) {
            assertTrue(names.contains(expected), expected + " not registered; found " + names);
            Object stage = Class.forName(expected).getDeclaredConstructor().newInstance();
            assertTrue(stage instanceof org.apache.spark.ml.param.Params, expected);
        }
    }
}
