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
}
