package dev.sasrec.engine.model;

import dev.sasrec.engine.loss.Loss;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The named training recipes. */
class RecipeTest {

    @Test
    void eachRecipeSetsItsLossAndTheSameHyperParameters() {
        assertEquals("paper, ce, sampled-ce, gbce", Recipe.keys());
        SasRecConfig ce = Recipe.CE.applyTo(SasRecConfig.builder()).build();
        assertEquals(Loss.CE, ce.loss());
        assertEquals(128, ce.hiddenUnits());
        assertEquals(0.2, ce.dropout());
        assertEquals(0.002, ce.learningRate());
        assertTrue(ce.allWindows());
        SasRecConfig sampled = Recipe.named(" Sampled-CE ").applyTo(SasRecConfig.builder()).build();
        assertEquals(Loss.SAMPLED, sampled.loss());
        assertEquals(3000, sampled.numNegatives());
        SasRecConfig gbce = Recipe.named("gbce").applyTo(SasRecConfig.builder()).build();
        assertEquals(Loss.GBCE, gbce.loss());
        assertEquals(256, gbce.numNegatives());
        assertEquals(0.75, gbce.gbceCalibration());
        assertEquals(ce.toBuilder().set("hiddenUnits", 64).set("dropout", 0.1).build(),
                gbce.toBuilder().set("loss", "ce").set("numNegatives", 100).build(),
                "gbce: its loss, and the d and dropout it was measured with; the rest as ce");
        assertEquals(SasRecConfig.builder().build(), Recipe.PAPER.applyTo(SasRecConfig.builder()).build(),
                "the paper's recipe is the defaults");
        for (Recipe r : Recipe.values()) {
            assertEquals(Recipe.hyperParameters(), java.util.List.copyOf(r.settings().keySet()), r.key());
        }
    }

    @Test
    void aRecipeAppliedAfterAnotherLeavesNothingOfItAndLaterValuesWin() {
        SasRecConfig config = Recipe.PAPER.applyTo(Recipe.CE.applyTo(Recipe.SAMPLED_CE.applyTo(
                SasRecConfig.builder().set("gbceCalibration", 0.2)))).set("dropout", 0.3).build();
        assertEquals(Loss.BCE, config.loss());
        assertEquals(100, config.numNegatives(), "the sampled-ce recipe's 3,000 negatives are gone");
        assertEquals(0.75, config.gbceCalibration(), "a recipe key the recipes do not name is reset to its default");
        assertEquals(50, config.hiddenUnits());
        assertEquals(0.3, config.dropout(), "set after the recipe");
        assertEquals(0.001, config.learningRate(), "the ce recipe's learning rate is gone");
        assertFalse(config.allWindows(), "and so are its windows");
        assertEquals(42, config.seed(), "a hyper-parameter outside the recipe is untouched");
    }

    @Test
    void anUnknownRecipeIsNamedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recipe.named("sasrec+"));
        assertTrue(e.getMessage().contains("'sasrec+'") && e.getMessage().contains("paper, ce, sampled-ce, gbce"),
                e.getMessage());
    }
}
