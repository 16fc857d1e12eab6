package dev.sasrec.engine;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
    void everyBoundAcceptsItsLastValidValueAndRejectsTheFirstInvalidOne() {
        // name, the last valid value, the first invalid value(s) beyond it
        Object[][] bounds = {
                {"hiddenUnits", 1, 0}, {"maxLen", 1, 0}, {"numBlocks", 1, 0}, {"numHeads", 1, 0},
                {"dropout", 0.0, -0.01}, {"dropout", 0.99, 1.0}, {"l2Emb", 0.0, -1e-9},
                {"learningRate", 1e-9, 0.0}, {"beta1", 0.0, -0.01}, {"beta1", 0.999, 1.0}, {"beta2", 0.0, -0.01},
                {"beta2", 0.999, 1.0}, {"epsilon", 1e-12, 0.0}, {"batchSize", 1, 0}, {"numNegatives", 1, 0},
                {"layerNormEps", 1e-12, 0.0}, {"gradientClipNorm", 0.0, -1e-9},
                {"l2Emb", 0.0, Double.POSITIVE_INFINITY}, {"learningRate", 1e-9, Double.NaN},
                {"epsilon", 1e-12, Double.POSITIVE_INFINITY}, {"layerNormEps", 1e-12, Double.NaN},
                {"gradientClipNorm", 0.0, Double.POSITIVE_INFINITY}};
        for (Object[] b : bounds) {
            String name = (String) b[0];
            Map<String, String> valid = new HashMap<>(SasRecConfig.builder().build().toMap());
            valid.put(name, String.valueOf(b[1]));
            assertDoesNotThrow(() -> SasRecConfig.fromMap(valid), name + " = " + b[1] + " is valid");
            Map<String, String> invalid = new HashMap<>(valid);
            invalid.put(name, String.valueOf(b[2]));
            assertMessage(() -> SasRecConfig.fromMap(invalid), name + ": invalid value " + b[2]);
        }
        assertMessage(() -> SasRecConfig.builder().hiddenUnits(6).numHeads(4).build(), "numHeads: invalid value 4",
                "a divisor of hiddenUnits (6)");
        assertEquals(3, SasRecConfig.builder().hiddenUnits(6).numHeads(3).build().numHeads());
        assertMessage(() -> SasRecConfig.builder().loss(null).build(), "loss: invalid value null");
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
