package dev.sasrec.spark.cluster;

import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.spark.SequenceFrames;
import dev.sasrec.spark.recommend.SASRec;
import dev.sasrec.spark.recommend.SASRecModel;
import dev.sasrec.spark.recommend.TrainingSummary;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training JVM of {@link NativeMemoryBoundTest}: one epoch of the paper's ML-1M model size (d = 50, n = 200,
 * two steps of 128 full-length histories, each one pass of 25,600 positions unless the memory budget splits it)
 * in local mode without dropout, then top-10 scoring of every user. It writes one line to the output file
 * (positions per pass, the epoch's loss and the JVM's peak resident memory over training and scoring in KiB,
 * VmHWM) and, beside it with the suffix {@code .update}, the trained parameters minus the initial ones as
 * big-endian floats.
 *
 * <p>Arguments: output file, and optionally the {@code spark.executor.memoryOverhead} to set.
 */
public final class MemoryBoundDriver {

    private MemoryBoundDriver() {
    }

    public static void main(String[] args) throws Exception {
        SparkSession.Builder builder = SparkSession.builder().master("local[1]").appName("sasrec-memory-bound")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1");
        if (args.length > 1) {
            builder.config("spark.executor.memoryOverhead", args[1]);
        }
        SparkSession spark = builder.getOrCreate();
        UserSequences data = SyntheticSequences.generate(256, 500, 201, 201, 0.9, 5);
        Dataset<Row> histories = SequenceFrames.of(spark, data.sequences());
        // Without dropout a split batch draws the same negatives in the same order as a whole one, so the two
        // runs differ only in the order in which pass gradients are summed.
        SASRecModel model = new SASRec().setItemsCol("itemIndex").setMaxEpochs(1).setNumWorkers(1).setDropout(0)
                .setMaxPositionsPerPass(25_600).setSeed(9L).setTrainingBackend("samediff").fit(histories);
        TrainingSummary s = model.summary().orElseThrow();
        // Scoring in the same JVM: top-10 over the catalogue for every user, history excluded.
        long scored = model.transform(histories).filter("size(recommendations) = 10").count();
        if (scored != data.numUsers()) {
            throw new IllegalStateException("scored " + scored + " of " + data.numUsers() + " users");
        }
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .findFirst().orElseThrow().replaceAll("[^0-9]", "");
        Files.writeString(Path.of(args[0]), s.positionsPerPass() + " " + s.epochs().get(0).loss() + " " + hwm + "\n");
        SasRecNetwork trained = model.network();
        INDArray update = trained.parameters().sub(SasRecNetwork.initialise(trained.config(), trained.numItems()).parameters());
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(Path.of(args[0] + ".update"))))) {
            for (float v : update.data().asFloat()) {
                out.writeFloat(v);
            }
        }
        spark.stop();
    }
}
