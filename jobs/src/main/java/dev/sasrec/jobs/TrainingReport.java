package dev.sasrec.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sasrec.spark.recommend.TrainingSummary;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report written next to a trained model: {@code learning-curve.png} (training loss and validation NDCG@10 per
 * epoch), {@code attention.png} (average attention weights among the last positions, one heat map per block: the
 * paper's Figure 4) and {@code training.json} (the figures behind both plus the run's provenance).
 */
final class TrainingReport {

    static final String CURVE = "learning-curve.png";
    static final String ATTENTION = "attention.png";
    static final String JSON = "training.json";

    private TrainingReport() {
    }

    /** Writes the three files into the directory {@code dir}. */
    static void write(String dir, Configuration hadoop, TrainingSummary summary, float[][][] attention,
                      Map<String, Object> provenance) throws IOException {
        try (OutputStream out = create(dir, CURVE, hadoop)) {
            BitmapEncoder.saveBitmap(learningCurve(summary), out, BitmapEncoder.BitmapFormat.PNG);
        }
        try (OutputStream out = create(dir, ATTENTION, hadoop)) {
            List<HeatMapChart> maps = new ArrayList<>();
            for (int b = 0; b < attention.length; b++) {
                maps.add(heatMap(attention[b], b + 1));
            }
            BitmapEncoder.saveBitmap(maps, 1, maps.size(), out, BitmapEncoder.BitmapFormat.PNG);
        }
        try (OutputStream out = create(dir, JSON, hadoop)) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out, provenance);
        }
    }

    private static FSDataOutputStream create(String dir, String name, Configuration hadoop) throws IOException {
        Path p = new Path(dir, name);
        return p.getFileSystem(hadoop).create(p, true);
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
            chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
            chart.setYAxisGroupTitle(1, "validation NDCG@10");
        }
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
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
        chart.getStyler().setMin(0).setMax(max > 0 ? max : 1)
                .setRangeColors(new Color[]{Color.WHITE, new Color(0x6baed6), new Color(0x08306b)});
        chart.addSeries("attention", axis, axis, cells);
        return chart;
    }
}
