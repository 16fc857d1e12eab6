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
    void everyStageIsRegisteredAndConstructible() {
        Set<String> names = new HashSet<>();
        for (Estimator<?> e : ServiceLoader.load(Estimator.class)) {
            names.add(e.getClass().getName());
        }
        for (Transformer t : ServiceLoader.load(Transformer.class)) {
            names.add(t.getClass().getName());
        }
        for (String expected : new String[]{"dev.sasrec.spark.recommend.SASRec", "dev.sasrec.spark.index.ItemIndexer",
                "dev.sasrec.spark.sessions.Sessionizer", "dev.sasrec.spark.filter.InteractionFilter",
                "dev.sasrec.spark.sequence.SequenceBuilder", "dev.sasrec.spark.sequence.LeaveOneOutSplitter"}) {
            assertTrue(names.contains(expected), expected + " not registered; found " + names);
        }
    }
}
