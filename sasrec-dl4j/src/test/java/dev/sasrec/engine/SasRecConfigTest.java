package dev.sasrec.engine;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SasRecConfigTest {

    @Test
    void defaultsAreThePapersMovieLensSettings() {
        SasRecConfig c = SasRecConfig.builder().build();
        assertEquals(50, c.hiddenUnits());
        assertEquals(200, c.maxLen());
        assertEquals(2, c.numBlocks());
        assertEquals(1, c.numHeads());
        assertEquals(0.2, c.dropout());
        assertEquals(0.001, c.learningRate());
        assertEquals(0.98, c.beta2());
        assertEquals(128, c.batchSize());
        assertEquals(Loss.BCE, c.loss());
    }

    @Test
    void invalidValuesNameTheParameterAndTheExpectation() {
        assertMessage(() -> SasRecConfig.builder().dropout(1.0).build(), "dropout", "1.0", "[0, 1)");
        assertMessage(() -> SasRecConfig.builder().hiddenUnits(50).numHeads(3).build(), "numHeads", "3", "divisor");
        assertMessage(() -> SasRecConfig.builder().learningRate(-1).build(), "learningRate", "-1", "> 0");
        assertMessage(() -> SasRecConfig.builder().maxLen(0).build(), "maxLen", "0", ">= 1");
        assertMessage(() -> Loss.parse("hinge"), "loss", "hinge", "bce, ce, sampled");
    }

    @Test
    void mapRoundTripAndUnknownKeys() {
        SasRecConfig c = SasRecConfig.builder().loss(Loss.CE).preLayerNorm(true).l2Emb(0.1).seed(-5).build();
        assertEquals(c, SasRecConfig.fromMap(c.toMap()));
        Map<String, String> typo = new HashMap<>(c.toMap());
        typo.put("hiddenUnit", "4");
        assertMessage(() -> SasRecConfig.fromMap(typo), "hiddenUnit", "unknown", "");
        Map<String, String> bad = new HashMap<>(c.toMap());
        bad.put("dropout", "lots");
        assertMessage(() -> SasRecConfig.fromMap(bad), "dropout", "lots", "number");
    }

    private static void assertMessage(Runnable r, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' lacks '" + p + "'");
        }
    }
}
