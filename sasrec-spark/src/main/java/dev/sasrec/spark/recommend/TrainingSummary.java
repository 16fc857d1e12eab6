package dev.sasrec.spark.recommend;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link SASRec} fit did: one entry per epoch, the rows it could not train on and why, and the sizes that
 * describe the run (provenance kept with the model).
 */
public final class TrainingSummary implements Serializable {

    private static final long serialVersionUID = 1L;

    /** One epoch: mean loss over its steps, throughput and wall time. */
    public record Epoch(int epoch, double loss, double sequencesPerSecond, double seconds) implements Serializable {
        /** For example {@code epoch 3: loss 0.9603, 412 seq/s, 14.7 s}. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "epoch %d: loss %.4f, %.0f seq/s, %.1f s", epoch, loss, sequencesPerSecond, seconds);
        }
    }

    private final List<Epoch> epochs = new ArrayList<>();
    private final Map<String, Long> droppedRows = new LinkedHashMap<>();
    private long trainedSequences;
    private int numItems;
    private int numWorkers;
    private int resumedAfter;

    void addEpoch(Epoch e) {
        epochs.add(e);
    }

    void dropped(String reason, long count) {
        if (count > 0) {
            droppedRows.merge(reason, count, Long::sum);
        }
    }

    void resumedAfter(int epoch) {
        this.resumedAfter = epoch;
    }

    /** The epoch of the checkpoint training resumed from, 0 when it started afresh. */
    public int resumedAfterEpoch() {
        return resumedAfter;
    }

    void sizes(long trainedSequences, int numItems, int numWorkers) {
        this.trainedSequences = trainedSequences;
        this.numItems = numItems;
        this.numWorkers = numWorkers;
    }

    /** Per-epoch loss, throughput and time, in order. */
    public List<Epoch> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** Input rows not trained on, by reason (for example {@code fewer than 2 items}). */
    public Map<String, Long> droppedRows() {
        return Collections.unmodifiableMap(droppedRows);
    }

    /** Sum of {@link #droppedRows()}. */
    public long totalDroppedRows() {
        return droppedRows.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Sequences trained on per epoch. */
    public long trainedSequences() {
        return trainedSequences;
    }

    /** Catalogue size N. */
    public int numItems() {
        return numItems;
    }

    /** Partitions trained in parallel. */
    public int numWorkers() {
        return numWorkers;
    }

    /** Total training wall time over all epochs, in seconds. */
    public double totalSeconds() {
        return epochs.stream().mapToDouble(Epoch::seconds).sum();
    }

    /** Human-readable summary. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SASRec training: %d epochs, %d sequences, %d items, %d workers, %.1f s; dropped rows %s",
                epochs.size(), trainedSequences, numItems, numWorkers, totalSeconds(), droppedRows);
    }
}
