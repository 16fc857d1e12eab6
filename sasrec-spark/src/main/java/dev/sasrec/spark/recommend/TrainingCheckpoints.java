package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.Checkpoint;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Training checkpoints in a directory of any Hadoop file system: {@code epoch-000010/} holds the network
 * ({@code network.sasrec}, the engine's checkpoint format) and {@code state.bin} (format version, epoch,
 * optimiser step, the fingerprint of the training data, Adam state and the summary of every epoch so far, so
 * that a resumed run reports its whole learning curve). Each is written under a temporary name and renamed, so a
 * crash never leaves a half-written checkpoint behind a valid name. Under early stopping {@code best-000007/} holds
 * the parameters of epoch 7 when it was the best so far, so that a resumed run keeps the same best epoch. Only
 * checkpoints of the same configuration, catalogue size and training data are resumed; those of older format
 * versions, which carry no fingerprint of their data, are not.
 */
final class TrainingCheckpoints {

    private static final int VERSION = 5;

    /** A checkpoint read back: the averaging state, the number of epochs it completed and their summaries. */
    record Restored(ParameterAveraging.State state, int epoch, List<TrainingSummary.Epoch> history) { }

    private final Path dir;
    private final FileSystem fs;

    TrainingCheckpoints(String dir, Configuration hadoop) {
        this.dir = new Path(dir);
        try {
            this.fs = this.dir.getFileSystem(hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException("checkpointDir " + dir + ": " + e.getMessage(), e);
        }
    }

    void save(ParameterAveraging.State state, int epoch, SasRecConfig config, int numItems, DataFingerprint data,
              List<TrainingSummary.Epoch> history) {
        String name = String.format(Locale.ROOT, "epoch-%06d", epoch);
        Path tmp = new Path(dir, "_" + name + ".tmp");
        try {
            fs.delete(tmp, true);
            try (FSDataOutputStream out = fs.create(new Path(tmp, "network.sasrec"), true)) {
                Checkpoint.write(new SasRecNetwork(config, numItems, Nd4j.createFromArray(state.params())), out);
            }
            try (DataOutputStream out = new DataOutputStream(fs.create(new Path(tmp, "state.bin"), true))) {
                out.writeInt(VERSION);
                out.writeInt(epoch);
                out.writeInt(state.iteration());
                out.writeLong(data.sequences());
                out.writeLong(data.contentHash());
                out.writeInt(state.adam().length);
                for (float v : state.adam()) {
                    out.writeFloat(v);
                }
                out.writeInt(history.size());
                for (TrainingSummary.Epoch e : history) {
                    e.write(out);
                }
            }
            publish(tmp, name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write training checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the parameters of epoch {@code epoch}, the best so far under early stopping, to {@code best-NNNNNN/};
     * written before the epoch's checkpoint, so that a run resumed from any checkpoint finds its best epoch's.
     */
    void saveBest(float[] params, int epoch, SasRecConfig config, int numItems) {
        String name = bestName(epoch);
        Path tmp = new Path(dir, "_" + name + ".tmp");
        try {
            fs.delete(tmp, true);
            try (FSDataOutputStream out = fs.create(new Path(tmp, "network.sasrec"), true)) {
                Checkpoint.write(new SasRecNetwork(config, numItems, Nd4j.createFromArray(params)), out);
            }
            publish(tmp, name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the best epoch's parameters to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The parameters {@link #saveBest} wrote for {@code epoch} under the same configuration and catalogue, if any. */
    Optional<float[]> best(int epoch, SasRecConfig config, int numItems) {
        Path file = new Path(new Path(dir, bestName(epoch)), "network.sasrec");
        try {
            if (!fs.exists(file)) {
                return Optional.empty();
            }
            SasRecNetwork network;
            try (FSDataInputStream in = fs.open(file)) {
                network = Checkpoint.read(in, file.toString());
            }
            if (!network.config().equals(config) || network.numItems() != numItems) {
                return Optional.empty();
            }
            return Optional.of(network.parameters().data().asFloat());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the best epoch's parameters from " + file + ": " + e.getMessage(), e);
        }
    }

    /** The directory of the best epoch's parameters when {@code epoch} was the best so far. */
    private static String bestName(int epoch) {
        return String.format(Locale.ROOT, "best-%06d", epoch);
    }

    /** Renames the finished directory {@code tmp} to {@code name}, replacing what had that name. */
    private void publish(Path tmp, String name) throws IOException {
        Path target = new Path(dir, name);
        fs.delete(target, true);
        if (!fs.rename(tmp, target)) {
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
    }

    /**
     * The latest checkpoint written for the same configuration, catalogue and training data, if any; checkpoints of
     * other runs, and of format versions before the data fingerprint, are ignored.
     */
    Optional<Restored> latest(SasRecConfig config, int numItems, DataFingerprint data) {
        try {
            if (!fs.exists(dir)) {
                return Optional.empty();
            }
            FileStatus[] entries = fs.listStatus(dir, p -> p.getName().startsWith("epoch-"));
            java.util.Arrays.sort(entries, (a, b) -> b.getPath().getName().compareTo(a.getPath().getName()));
            for (FileStatus e : entries) {
                SasRecNetwork network;
                try (FSDataInputStream in = fs.open(new Path(e.getPath(), "network.sasrec"))) {
                    network = Checkpoint.read(in, e.getPath() + "/network.sasrec");
                }
                if (!network.config().equals(config) || network.numItems() != numItems) {
                    continue;
                }
                try (DataInputStream in = new DataInputStream(fs.open(new Path(e.getPath(), "state.bin")))) {
                    int version = in.readInt();
                    if (version < 1 || version > VERSION) {
                        throw new IOException(e.getPath() + "/state.bin has version " + version + ", expected 1.." + VERSION);
                    }
                    if (version < 3) {
                        continue;
                    }
                    int epoch = in.readInt();
                    int iteration = in.readInt();
                    if (!new DataFingerprint(in.readLong(), in.readLong()).equals(data)) {
                        continue;
                    }
                    float[] adam = new float[in.readInt()];
                    for (int i = 0; i < adam.length; i++) {
                        adam[i] = in.readFloat();
                    }
                    List<TrainingSummary.Epoch> history = new ArrayList<>();
                    for (int i = in.readInt(); i > 0; i--) {
                        history.add(TrainingSummary.Epoch.read(in, version));
                    }
                    float[] params = network.parameters().data().asFloat();
                    return Optional.of(new Restored(new ParameterAveraging.State(params, adam, iteration), epoch, history));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read training checkpoints from " + dir + ": " + e.getMessage(), e);
        }
    }
}
