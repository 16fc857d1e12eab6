package dev.sasrec.jobs;

import dev.sasrec.engine.train.TrainingBackends;
import dev.sasrec.spark.recommend.SASRecModel;
import dev.sasrec.spark.recommend.TrainingSummary;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

/**
 * The plots of a trained model, as PNG: its learning curve (training loss and validation NDCG@10 per epoch, the best
 * epoch marked) and its average attention weights among the last positions, one heat map per block (the paper's
 * Figure 4). The training report writes them next to the model; notebooks show them inline.
 */
public final class TrainingPlots {

    /** Number of trailing positions the attention plot shows (fewer when the model's maxLen is smaller). */
    public static final int ATTENTION_POSITIONS = 15;
    /** Number of histories the attention plot averages over. */
    public static final int ATTENTION_HISTORIES = 256;

    private TrainingPlots() {
    }

    /** The learning curve of {@code summary} as PNG bytes. */
    public static byte[] learningCurvePng(TrainingSummary summary) {
        return png(out -> BitmapEncoder.saveBitmap(learningCurve(summary), out, BitmapEncoder.BitmapFormat.PNG));
    }

    /**
     * The average attention of {@code model} over up to {@link #ATTENTION_HISTORIES} histories of {@code sequences}
     * (the column {@code itemsCol} holds item indices, as the model's ItemIndexer writes them), as PNG bytes.
     */
    public static byte[] attentionPng(SASRecModel model, Dataset<Row> sequences, String itemsCol) {
        return attentionPng(averageAttention(model, sequences, itemsCol));
    }

    /** Heat maps of attention weights {@code [block][query][key]} side by side, as PNG bytes. */
    public static byte[] attentionPng(float[][][] attention) {
        List<HeatMapChart> maps = new ArrayList<>();
        for (int b = 0; b < attention.length; b++) {
            maps.add(heatMap(attention[b], b + 1));
        }
        return png(out -> BitmapEncoder.saveBitmap(maps, 1, maps.size(), out, BitmapEncoder.BitmapFormat.PNG));
    }

    /**
     * Average attention weights {@code [block][query][key]} among the last positions of histories at least that
     * long, taken from the first {@link #ATTENTION_HISTORIES} such rows of {@code sequences}, as the default
     * training backend computes them.
     */
    public static float[][][] averageAttention(SASRecModel model, Dataset<Row> sequences, String itemsCol) {
        int positions = Math.min(ATTENTION_POSITIONS, model.network().config().maxLen());
        List<int[]> histories = new ArrayList<>();
        for (Row r : sequences.filter(size(col(itemsCol)).geq(positions)).select(itemsCol).limit(ATTENTION_HISTORIES)
                .collectAsList()) {
            histories.add(r.<Integer>getList(0).stream().mapToInt(Integer::intValue).filter(i -> i > 0).toArray());
        }
        return TrainingBackends.named(TrainingBackends.DEFAULT)
                .averageAttention(model.network(), histories.toArray(new int[0][]), positions);
    }

    static XYChart learningCurve(TrainingSummary summary) {
        XYChart chart = new XYChartBuilder().width(800).height(480).title("SASRec learning curve")
                .xAxisTitle("epoch").yAxisTitle("training loss").build();
        List<TrainingSummary.Epoch> epochs = summary.epochs();
        double[] x = epochs.stream().mapToDouble(TrainingSummary.Epoch::epoch).toArray();
        chart.addSeries("training loss", x, epochs.stream().mapToDouble(TrainingSummary.Epoch::loss).toArray());
        List<TrainingSummary.Epoch> validated = epochs.stream().filter(TrainingSummary.Epoch::validated).toList();
        if (!validated.isEmpty()) {
            XYSeries v = chart.addSeries("validation NDCG@10 (full ranking)",
                    validated.stream().mapToDouble(TrainingSummary.Epoch::epoch).toArray(),
                    validated.stream().mapToDouble(TrainingSummary.Epoch::validationNdcg10).toArray());
            v.setYAxisGroup(1);
            TrainingSummary.Epoch best = summary.bestValidatedEpoch().orElseThrow();
            XYSeries marker = chart.addSeries(String.format(Locale.ROOT, "best epoch %d: NDCG@10 %.3f%s", best.epoch(),
                            best.validationNdcg10(), summary.keptEpoch() == best.epoch() ? ", kept" : ""),
                    new double[]{best.epoch()}, new double[]{best.validationNdcg10()});
            marker.setYAxisGroup(1);
            marker.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            marker.setMarker(SeriesMarkers.DIAMOND);
            marker.setMarkerColor(Color.RED);
            chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
            chart.setYAxisGroupTitle(1, "validation NDCG@10");
        }
        // Below the plot: inside, the legend can hide the best epoch's marker.
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
        return chart;
    }

    static HeatMapChart heatMap(float[][] weights, int block) {
        int p = weights.length;
        HeatMapChart chart = new HeatMapChartBuilder().width(520).height(480)
                .title("Block " + block + ": average attention, last " + p + " positions")
                .xAxisTitle("key position (from the end)").yAxisTitle("query position (from the end)").build();
        List<Integer> axis = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            axis.add(i - p + 1);
        }
        List<Number[]> cells = new ArrayList<>();
        double max = 0;
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                cells.add(new Number[]{j, i, (double) weights[i][j]});
                max = Math.max(max, weights[i][j]);
            }
        }
        // The colour scale's legend prints its ends as they are: the top is rounded up to two significant digits.
        chart.getStyler().setMin(0).setMax(max > 0 ? scaleTop(max) : 1)
                .setRangeColors(new Color[]{Color.WHITE, new Color(0x6baed6), new Color(0x08306b)});
        // Upright labels of 15 negative positions run into each other at this width.
        chart.getStyler().setXAxisLabelRotation(90);
        chart.addSeries("attention", axis, axis, cells);
        return chart;
    }

    /** {@code max} rounded up to two significant digits (0.23496 -> 0.24), the top of a colour scale. */
    static double scaleTop(double max) {
        return new BigDecimal(max).round(new MathContext(2, RoundingMode.UP)).doubleValue();
    }

    private interface Encoder {
        void write(OutputStream out) throws IOException;
    }

    private static byte[] png(Encoder encoder) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            encoder.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
