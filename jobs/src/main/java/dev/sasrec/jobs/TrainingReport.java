package dev.sasrec.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sasrec.spark.recommend.TrainingSummary;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * The report written next to a trained model: {@code learning-curve.png} (training loss and validation NDCG@10 per
 * epoch), {@code attention.png} (average attention weights among the last positions, one heat map per block: the
 * paper's Figure 4), both drawn by {@link TrainingPlots}, and {@code training.json} (the figures behind both plus
 * the run's provenance).
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
            out.write(TrainingPlots.learningCurvePng(summary));
        }
        try (OutputStream out = create(dir, ATTENTION, hadoop)) {
            out.write(TrainingPlots.attentionPng(attention));
        }
        try (OutputStream out = create(dir, JSON, hadoop)) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out, provenance);
        }
    }

    private static FSDataOutputStream create(String dir, String name, Configuration hadoop) throws IOException {
        Path p = new Path(dir, name);
        return p.getFileSystem(hadoop).create(p, true);
    }
}
