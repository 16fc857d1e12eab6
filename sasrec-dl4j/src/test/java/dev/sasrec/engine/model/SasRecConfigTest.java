package dev.sasrec.engine.model;

import dev.sasrec.engine.loss.Loss;
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
        assertMessage(() -> SasRecConfig.builder().set("dropout", 1.0).build(), "dropout", "1.0", "[0, 1)");
        assertMessage(() -> SasRecConfig.builder().set("hiddenUnits", 50).set("numHeads", 3).build(), "numHeads", "3", "divisor");
        assertMessage(() -> SasRecConfig.builder().set("learningRate", -1).build(), "learningRate", "-1", "> 0");
        assertMessage(() -> SasRecConfig.builder().set("maxLen", 0).build(), "maxLen", "0", ">= 1");
        assertMessage(() -> SasRecConfig.builder().set("loss", "hinge"), "loss", "hinge", "bce, ce, sampled");
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
        assertMessage(() -> SasRecConfig.builder().set("hiddenUnits", 6).set("numHeads", 4).build(), "numHeads: invalid value 4",
                "a divisor of hiddenUnits (6)");
        assertEquals(3, SasRecConfig.builder().set("hiddenUnits", 6).set("numHeads", 3).build().numHeads());
        assertMessage(() -> SasRecConfig.builder().set("loss", null).build(), "loss: invalid value null");
    }

    @Test
    void mapRoundTripAndUnknownKeys() {
        SasRecConfig c = SasRecConfig.builder().set("loss", Loss.CE).set("preLayerNorm", true).set("l2Emb", 0.1).set("seed", -5).build();
        assertEquals(c, SasRecConfig.fromMap(c.toMap()));
        Map<String, String> typo = new HashMap<>(c.toMap());
        typo.put("hiddenUnit", "4");
        assertMessage(() -> SasRecConfig.fromMap(typo), "hiddenUnit", "unknown", "");
        Map<String, String> bad = new HashMap<>(c.toMap());
        bad.put("dropout", "lots");
        assertMessage(() -> SasRecConfig.fromMap(bad), "dropout", "lots", "number");
    }

    @Test
    void everyHyperParameterIsDefinedOnceOnItsComponent() {
        assertEquals(java.util.Arrays.stream(SasRecConfig.class.getRecordComponents()).map(c -> c.getName()).toList(),
                HyperParameter.all().stream().map(HyperParameter::name).toList());
        assertEquals(java.util.List.copyOf(SasRecConfig.builder().build().toMap().keySet()),
                HyperParameter.all().stream().map(HyperParameter::name).toList());
        assertEquals(java.util.List.of("hiddenUnits", "maxLen", "numBlocks", "numHeads"), HyperParameter.architecture());
        SasRecConfig defaults = SasRecConfig.builder().build();
        for (HyperParameter p : HyperParameter.all()) {
            assertEquals(p.defaultValue(), p.valueIn(defaults), p.name());
            assertEquals(p.defaultValue(), p.parse(p.format(p.defaultValue())), p.name() + " formats and parses back");
        }
        assertEquals("an integer >= 1", HyperParameter.named("maxLen").expected());
        assertEquals("a value in [0, 1)", HyperParameter.named("dropout").expected());
        assertEquals("a finite value > 0", HyperParameter.named("learningRate").expected());
        assertEquals("one of bce, ce, sampled, gbce", HyperParameter.named("loss").expected());
        assertEquals("true or false", HyperParameter.named("preLayerNorm").expected());
        assertEquals("an integer", HyperParameter.named("seed").expected());
        HyperParameter dropout = HyperParameter.named("dropout");
        assertEquals(double.class, dropout.type());
        assertEquals(0.0, dropout.min());
        assertEquals(1.0, dropout.max());
        assertTrue(!dropout.minExclusive() && dropout.maxExclusive());
        assertTrue(HyperParameter.named("learningRate").minExclusive());
        assertEquals(int.class, HyperParameter.named("maxLen").type());
        assertEquals(1.0, HyperParameter.named("maxLen").min());
        assertTrue(!HyperParameter.named("maxLen").maxExclusive() && !HyperParameter.named("maxLen").minExclusive());
        assertEquals(long.class, HyperParameter.named("seed").type());
        assertEquals(Loss.class, HyperParameter.named("loss").type());
        assertTrue(dropout.doc().startsWith("dropout rate"), dropout.doc());
        assertEquals("dropout (a value in [0, 1); default 0.2)", dropout.toString());
    }

    @Test
    void theBuilderTakesTypedValuesOrTextAndNamesWhatItRejects() {
        SasRecConfig typed = SasRecConfig.builder().set("hiddenUnits", 64).set("dropout", 0.1).set("seed", 7)
                .set("loss", Loss.CE).set("preLayerNorm", true).build();
        SasRecConfig text = SasRecConfig.builder().set("hiddenUnits", "64").set("dropout", "0.1").set("seed", "7")
                .set("loss", "CE").set("preLayerNorm", "true").build();
        assertEquals(typed, text);
        assertEquals(7L, typed.seed());
        assertEquals(0.5, SasRecConfig.builder().set("dropout", 0.5f).build().dropout());
        assertEquals(9L, SasRecConfig.builder().set("seed", 9L).build().seed());
        assertEquals(3.0, SasRecConfig.builder().set("l2Emb", 3L).build().l2Emb());
        assertMessage(() -> SasRecConfig.builder().set("seed", 7.5), "seed: invalid value 7.5 of type Double");
        assertMessage(() -> SasRecConfig.builder().set("loss", 1), "loss: invalid value 1 of type Integer", "one of bce");
        assertMessage(() -> SasRecConfig.builder().set("hiddenUnits", 6.5), "hiddenUnits: invalid value 6.5 of type Double",
                "an integer >= 1");
        assertMessage(() -> SasRecConfig.builder().set("preLayerNorm", 1), "preLayerNorm", "true or false");
        assertMessage(() -> SasRecConfig.builder().set("hiddenUnit", 4), "unknown configuration key 'hiddenUnit'",
                "hiddenUnits");
        assertMessage(() -> SasRecConfig.builder().set("preLayerNorm", "yes"), "preLayerNorm", "'yes'", "boolean");
    }

    private static void assertMessage(Runnable r, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' lacks '" + p + "'");
        }
    }
}
