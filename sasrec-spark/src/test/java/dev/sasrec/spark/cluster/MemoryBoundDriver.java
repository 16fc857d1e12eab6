package dev.sasrec.spark.cluster;

import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.spark.recommend.SASRec;
import dev.sasrec.spark.recommend.SASRecModel;
import dev.sasrec.spark.recommend.TrainingSummary;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
        List<Row> rows = new ArrayList<>();
        for (int u = 0; u < data.numUsers(); u++) {
            rows.add(RowFactory.create(u, Arrays.stream(data.sequences()[u]).boxed().toArray(Integer[]::new)));
        }
        StructType schema = new StructType().add("user", DataTypes.IntegerType)
                .add("itemIndex", new ArrayType(DataTypes.IntegerType, false));
        Dataset<Row> histories = spark.createDataFrame(rows, schema);
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
