package dev.sasrec.spark.cluster;

import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.spark.SequenceFrames;
import dev.sasrec.spark.recommend.SASRec;
import dev.sasrec.spark.recommend.SASRecModel;
import dev.sasrec.spark.recommend.TrainingSummary;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training JVM of {@link NativeMemoryBoundTest}: one epoch of the paper's ML-1M model size (d = 50, n = 200,
 * batch 128 of full-length histories, one pass of 25,600 positions unless the memory budget splits it) in local
 * mode, then top-10 scoring of every user, then one line to the output file: positions per pass, the epoch's loss
 * and the JVM's peak resident memory over training and scoring in KiB (VmHWM).
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
        UserSequences data = SyntheticSequences.generate(128, 500, 201, 201, 0.9, 5);
        Dataset<Row> histories = SequenceFrames.of(spark, data.sequences());
        SASRecModel model = new SASRec().setItemsCol("itemIndex").setMaxEpochs(1).setNumWorkers(1)
                .setMaxPositionsPerPass(25_600).setSeed(9L).fit(histories);
        TrainingSummary s = model.summary().orElseThrow();
        // Scoring in the same JVM: top-10 over the catalogue for every user, history excluded.
        long scored = model.transform(histories).filter("size(recommendations) = 10").count();
        if (scored != data.numUsers()) {
            throw new IllegalStateException("scored " + scored + " of " + data.numUsers() + " users");
        }
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .findFirst().orElseThrow().replaceAll("[^0-9]", "");
        Files.writeString(Path.of(args[0]), s.positionsPerPass() + " " + s.epochs().get(0).loss() + " " + hwm + "\n");
        spark.stop();
    }
}
