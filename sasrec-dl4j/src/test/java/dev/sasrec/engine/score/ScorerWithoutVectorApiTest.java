package dev.sasrec.engine.score;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM started without {@code --add-modules=jdk.incubator.vector} (sasrec-dl4j's second surefire execution runs
 * this class alone, without the module): scorers select through BLAS and nothing touches the Vector API.
 */
class ScorerWithoutVectorApiTest {

    @Test
    void scorersSelectThroughBlasWhenTheJvmLacksTheVectorApi() {
        assertFalse(Scorer.usesVectorApi(), "this class runs in a JVM without jdk.incubator.vector");
        int numItems = 2 * Scorer.ITEM_BLOCK + 1234;
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 10).set("numBlocks", 1).set("seed", 9).build();
        SasRecNetwork network = SasRecNetwork.initialise(config, numItems);
        ScorerTest.assertTopKIsAFullSort(network.newScorer(), numItems);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Scorer(network, true));
        assertTrue(e.getMessage().contains("--add-modules=jdk.incubator.vector"), e.getMessage());
    }
}
