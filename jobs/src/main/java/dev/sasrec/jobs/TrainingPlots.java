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
 * The plots of a trained model, as PNG: its learning curve (training loss and validation NDCG@10 under both protocols
 * per epoch, the best epoch, chosen by full-ranking NDCG@10, marked), its average attention weights among the last positions, one heat map per block (the paper's
 * Figure 4), and the distribution of its scores of recommended and of held-out items. The training report writes
 * them next to the model; notebooks show them inline.
 */
public final class TrainingPlots {

    /** Number of trailing positions the attention plot shows (fewer when the model's maxLen is smaller). */
    public static final int ATTENTION_POSITIONS = 15;
    /** Number of histories the attention plot averages over. */
    public static final int ATTENTION_HISTORIES = 256;

    /** Number of held-out users the score distribution reads at most. */
    public static final int SCORE_USERS = 5000;
    /** Number of bins of the score distribution. */
    static final int SCORE_BINS = 40;

    private TrainingPlots() {
    }

    /**
     * The distribution of {@code model}'s scores of its top-10 recommendations and of each user's held-out item, over
     * up to {@link #SCORE_USERS} rows of {@code heldOut}: the history in {@code inputCol}, the held-out item in
     * {@code targetCol} (item indices, as the model's ItemIndexer writes them), as PNG bytes. Where the held-out
     * scores lie among the recommended ones shows how often the model would have recommended the item the user took.
     */
    public static byte[] scoreDistributionPng(SASRecModel model, Dataset<Row> heldOut, String inputCol, String targetCol) {
        String candidates = "scored_target";
        SASRecModel scorer = model.copy(new org.apache.spark.ml.param.ParamMap()).setItemsCol(inputCol).setK(10)
                .setTargetCol("").setPredictionCol("").setCandidatesCol(candidates);
        List<Row> rows = scorer.transform(heldOut.filter(col(targetCol).isNotNull()).limit(SCORE_USERS)
                        .withColumn(candidates, org.apache.spark.sql.functions.array(col(targetCol))))
                .select(col(scorer.getRecommendationsCol()).getField("score"), col(scorer.getCandidateScoresCol()).getItem(0))
                .collectAsList();
        List<Double> recommended = new ArrayList<>();
        List<Double> held = new ArrayList<>();
        for (Row r : rows) {
            r.<Float>getList(0).forEach(score -> recommended.add(score.doubleValue()));
            if (!r.isNullAt(1)) {
                held.add((double) r.getFloat(1));
            }
        }
        return png(out -> BitmapEncoder.saveBitmap(scoreDistribution(
                recommended.stream().mapToDouble(Double::doubleValue).toArray(),
                held.stream().mapToDouble(Double::doubleValue).toArray()), out, BitmapEncoder.BitmapFormat.PNG));
    }

    /** Histograms, as shares of each set, of {@code recommended} and {@code heldOut} scores over common bins. */
    static XYChart scoreDistribution(double[] recommended, double[] heldOut) {
        XYChart chart = new XYChartBuilder().width(800).height(480)
                .title(String.format(Locale.ROOT, "Scores of the top-10 recommended and of the held-out items (%,d users)",
                        heldOut.length))
                .xAxisTitle("score").yAxisTitle("share of the items").build();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] set : new double[][]{recommended, heldOut}) {
            for (double v : set) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        double[] centres = new double[SCORE_BINS];
        double width = (hi - lo) / SCORE_BINS;
        for (int b = 0; b < SCORE_BINS; b++) {
            centres[b] = lo + (b + 0.5) * width;
        }
        chart.addSeries("top-10 recommended", centres, shares(recommended, lo, width)).setMarker(SeriesMarkers.NONE);
        chart.addSeries("held-out (the item the user took next)", centres, shares(heldOut, lo, width))
                .setMarker(SeriesMarkers.NONE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal)
                .setDecimalPattern("0.00");
        return chart;
    }

    /** The share of {@code values} in each of {@link #SCORE_BINS} bins of {@code width} from {@code lo}. */
    static double[] shares(double[] values, double lo, double width) {
        double[] share = new double[SCORE_BINS];
        for (double v : values) {
            share[Math.min(SCORE_BINS - 1, Math.max(0, (int) ((v - lo) / width)))]++;
        }
        for (int b = 0; b < SCORE_BINS && values.length > 0; b++) {
            share[b] /= values.length;
        }
        return share;
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
        XYChart chart = new XYChartBuilder().width(960).height(480).title("SASRec learning curve")
                .xAxisTitle("epoch").yAxisTitle("training loss").build();
        List<TrainingSummary.Epoch> epochs = summary.epochs();
        double[] x = epochs.stream().mapToDouble(TrainingSummary.Epoch::epoch).toArray();
        chart.addSeries("training loss", x, epochs.stream().mapToDouble(TrainingSummary.Epoch::loss).toArray());
        List<TrainingSummary.Epoch> validated = epochs.stream().filter(TrainingSummary.Epoch::validated).toList();
        if (!validated.isEmpty()) {
            XYSeries v = chart.addSeries("validation NDCG@10, full ranking",
                    validated.stream().mapToDouble(TrainingSummary.Epoch::epoch).toArray(),
                    validated.stream().mapToDouble(TrainingSummary.Epoch::validationNdcg10).toArray());
            v.setYAxisGroup(1);
            List<TrainingSummary.Epoch> sampled = validated.stream().filter(e -> !Double.isNaN(e.validationSampledNdcg10()))
                    .toList();
            if (!sampled.isEmpty()) {
                chart.addSeries("validation NDCG@10, sampled",
                        sampled.stream().mapToDouble(TrainingSummary.Epoch::epoch).toArray(),
                        sampled.stream().mapToDouble(TrainingSummary.Epoch::validationSampledNdcg10).toArray())
                        .setYAxisGroup(1);
            }
            TrainingSummary.Epoch best = summary.bestValidatedEpoch().orElseThrow();
            XYSeries marker = chart.addSeries(String.format(Locale.ROOT, "best epoch %d (full %.3f%s)", best.epoch(),
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
