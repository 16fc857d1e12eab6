package dev.sasrec.jobs;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.HeatMapChart;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The attention plot's legibility: a colour scale whose ends print with two significant digits, key labels turned. */
class TrainingPlotsTest {

    @Test
    void theColourScaleTopIsRoundedUpToTwoSignificantDigits() {
        assertEquals("0.24", Double.toString(TrainingPlots.scaleTop(0.23496203124523163)));
        assertEquals("0.16", Double.toString(TrainingPlots.scaleTop(0.15371817350387573)));
        assertEquals("0.0013", Double.toString(TrainingPlots.scaleTop(0.0012001)));
        assertEquals("1.0", Double.toString(TrainingPlots.scaleTop(1.0)));
    }

    @Test
    void theHeatMapUsesTheRoundedScaleAndTurnsItsKeyLabels() {
        float[][] weights = {{1f, 0f}, {0.23496203f, 0.76503797f}};
        HeatMapChart chart = TrainingPlots.heatMap(weights, 1);
        assertEquals(1.0, chart.getStyler().getMax());
        HeatMapChart lower = TrainingPlots.heatMap(new float[][]{{0.2381446f, 0f}, {0.1f, 0.05f}}, 2);
        assertEquals(0.24, lower.getStyler().getMax());
        assertEquals(0.0, lower.getStyler().getMin());
        assertEquals(90, lower.getStyler().getXAxisLabelRotation());
    }

    @Test
    void theScoreDistributionSharesBinsBetweenBothSetsAndEachSumsToOne() {
        double[] recommended = {0, 1, 2, 3, 4, 4};
        double[] heldOut = {-4, 4};
        org.knowm.xchart.XYChart chart = TrainingPlots.scoreDistribution(recommended, heldOut);
        double[] top = chart.getSeriesMap().get("top-10 recommended").getYData();
        double[] held = chart.getSeriesMap().get("held-out (the item the user took next)").getYData();
        double[] x = chart.getSeriesMap().get("top-10 recommended").getXData();
        assertEquals(TrainingPlots.SCORE_BINS, x.length);
        // bins over [-4, 4], both sets: the lowest held-out score in the first bin, 4 in the last
        assertEquals(-4 + 0.1, x[0], 1e-9);
        assertEquals(0.5, held[0], 1e-12);
        assertEquals(0.5, held[TrainingPlots.SCORE_BINS - 1], 1e-12);
        assertEquals(2 / 6.0, top[TrainingPlots.SCORE_BINS - 1], 1e-12);
        assertEquals(1.0, java.util.Arrays.stream(top).sum(), 1e-12);
        assertEquals(1.0, java.util.Arrays.stream(held).sum(), 1e-12);
        assertEquals(1 / 6.0, top[TrainingPlots.SCORE_BINS / 2], 1e-12, "0 falls in the middle bin");
    }
}
