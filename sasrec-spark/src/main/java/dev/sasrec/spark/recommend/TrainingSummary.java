package dev.sasrec.spark.recommend;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link SASRec} fit did: one entry per epoch, the rows it could not train on and why, and the sizes that
 * describe the run (provenance kept with the model).
 */
public final class TrainingSummary implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * One epoch: mean loss over its steps, throughput, wall time, the full-ranking NDCG@10 and HR@10 of the
     * held-out validation users ({@code NaN} when validation is off), and how the distributed trainer spent it.
     *
     * @param rounds                 averaging rounds (Spark jobs) of the epoch; 0 when not recorded
     * @param exchangedBytesPerRound bytes the partitions sent back plus bytes of the averaged changes broadcast,
     *                               per round
     * @param computeSeconds         the sum over rounds of the longest time a partition spent taking its steps
     * @param exchangeSeconds        the rest of the epoch's wall time: scheduling, sending, averaging, broadcasting
     * @param validationSampledNdcg10 NDCG@10 of the validation users under the sampled protocol (the held-out item
     *                                among 100 items the user never interacted with)
     * @param validationSampledHr10   HR@10 under the sampled protocol
     */
    public record Epoch(int epoch, double loss, double sequencesPerSecond, double seconds, double validationNdcg10,
                        double validationHr10, int rounds, double exchangedBytesPerRound, double computeSeconds,
                        double exchangeSeconds, double validationSampledNdcg10, double validationSampledHr10)
            implements Serializable {

        /** The figures an epoch had before the exchange figures were recorded (checkpoint format 3). */
        private static final int FORMAT_3_FIGURES = 6;
        /** The figures an epoch had before the sampled validation figures were recorded (checkpoint format 4). */
        private static final int FORMAT_4_FIGURES = 10;

        private static final RecordComponent[] COMPONENTS = Epoch.class.getRecordComponents();
        private static final Constructor<Epoch> CANONICAL;

        static {
            try {
                CANONICAL = Epoch.class.getDeclaredConstructor(Arrays.stream(COMPONENTS).map(RecordComponent::getType)
                        .toArray(Class<?>[]::new));
            } catch (NoSuchMethodException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** An epoch without validation or exchange figures. */
        public Epoch(int epoch, double loss, double sequencesPerSecond, double seconds) {
            this(epoch, loss, sequencesPerSecond, seconds, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN);
        }

        /** This epoch with validation figures: full ranking, then the sampled protocol. */
        public Epoch withValidation(double ndcg10, double hr10, double sampledNdcg10, double sampledHr10) {
            return new Epoch(epoch, loss, sequencesPerSecond, seconds, ndcg10, hr10, rounds, exchangedBytesPerRound,
                    computeSeconds, exchangeSeconds, sampledNdcg10, sampledHr10);
        }

        /** Whether the epoch was validated. */
        public boolean validated() {
            return !Double.isNaN(validationNdcg10);
        }

        /**
         * The figures by name, in declaration order, without those that are {@code NaN}: the one schema of an epoch,
         * which checkpoints, saved models and training reports all write.
         */
        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            for (RecordComponent c : COMPONENTS) {
                Object v = value(c);
                if (!(v instanceof Double d && d.isNaN())) {
                    m.put(c.getName(), v);
                }
            }
            return m;
        }

        /** The names of an epoch's figures, in declaration order. */
        public static List<String> names() {
            return Arrays.stream(COMPONENTS).map(RecordComponent::getName).toList();
        }

        /**
         * An epoch from {@link #fields()}; a missing or null figure is {@code NaN} (validation off, or written before
         * the figure existed), a missing round count 0.
         */
        static Epoch of(Map<String, ?> fields) {
            Object[] args = new Object[COMPONENTS.length];
            for (int i = 0; i < args.length; i++) {
                Object v = fields.get(COMPONENTS[i].getName());
                if (v == null && i == 0) {
                    throw new IllegalArgumentException("training summary epoch without " + COMPONENTS[i].getName() + ": " + fields);
                }
                if (COMPONENTS[i].getType() == int.class) {
                    args[i] = v == null ? 0 : ((Number) v).intValue();
                } else {
                    args[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
                }
            }
            try {
                return CANONICAL.newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot construct an epoch from " + fields, e);
            }
        }

        /** Writes every figure, NaN included, in declaration order. */
        void write(DataOutput out) throws IOException {
            for (RecordComponent c : COMPONENTS) {
                if (c.getType() == int.class) {
                    out.writeInt((Integer) value(c));
                } else {
                    out.writeDouble((Double) value(c));
                }
            }
        }

        /**
         * Reads what {@link #write} wrote, in checkpoint format {@code version} (3: without exchange figures; 4:
         * without sampled validation figures).
         */
        static Epoch read(DataInput in, int version) throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            int figures = version <= 3 ? FORMAT_3_FIGURES : version == 4 ? FORMAT_4_FIGURES : COMPONENTS.length;
            for (RecordComponent c : Arrays.copyOf(COMPONENTS, figures)) {
                m.put(c.getName(), c.getType() == int.class ? (Object) in.readInt() : (Object) in.readDouble());
            }
            return of(m);
        }

        private Object value(RecordComponent c) {
            try {
                return c.getAccessor().invoke(this);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * For example {@code epoch 3: loss 0.9603, 412 seq/s, 14.7 s, validation (full ranking) NDCG@10 0.0912 HR@10
         * 0.1730, (sampled) NDCG@10 0.4012 HR@10 0.6500}.
         */
        @Override
        public String toString() {
            return describe(Integer.toString(epoch));
        }

        /** As {@link #toString()} with the epoch count, elapsed time and estimated time left: {@code epoch 3/20: ...}. */
        public String progressLine(int totalEpochs, double elapsedSeconds, double etaSeconds) {
            return describe(epoch + "/" + totalEpochs) + ", elapsed " + clock(elapsedSeconds) + ", eta " + clock(etaSeconds);
        }

        private String describe(String label) {
            String base = String.format(Locale.ROOT, "epoch %s: loss %.4f, %.0f seq/s, %.1f s", label, loss, sequencesPerSecond, seconds);
            if (rounds > 0) {
                base += String.format(Locale.ROOT, " (%d rounds, %.1f MB exchanged per round, compute %.1f s, exchange %.1f s)",
                        rounds, exchangedBytesPerRound / 1e6, computeSeconds, exchangeSeconds);
            }
            if (!validated()) {
                return base;
            }
            base += String.format(Locale.ROOT, ", validation (full ranking) NDCG@10 %.4f HR@10 %.4f", validationNdcg10,
                    validationHr10);
            return Double.isNaN(validationSampledNdcg10) ? base : base + String.format(Locale.ROOT,
                    ", (sampled) NDCG@10 %.4f HR@10 %.4f", validationSampledNdcg10, validationSampledHr10);
        }

        private static String clock(double seconds) {
            long s = Math.round(seconds);
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
    }

    private final List<Epoch> epochs = new ArrayList<>();
    private final Map<String, Long> droppedRows = new LinkedHashMap<>();
    private long trainedSequences;
    private int numItems;
    private int numWorkers;
    private int resumedAfter;
    private int validationUsers;
    private int positionsPerPass;
    private int keptEpoch;

    void addEpoch(Epoch e) {
        epochs.add(e);
    }

    void dropped(String reason, long count) {
        if (count > 0) {
            droppedRows.merge(reason, count, Long::sum);
        }
    }

    void positionsPerPass(int positions) {
        this.positionsPerPass = positions;
    }

    /**
     * Padded positions a worker computed in one pass: {@code maxPositionsPerPass}, or fewer where the executor's
     * native memory required it; 0 in summaries saved before this was recorded.
     */
    public int positionsPerPass() {
        return positionsPerPass;
    }

    void keptEpoch(int epoch) {
        this.keptEpoch = epoch;
    }

    /**
     * Under early stopping, the epoch whose parameters the model holds (the best validation NDCG@10); 0 without
     * early stopping, when the model holds the last epoch's.
     */
    public int keptEpoch() {
        return keptEpoch;
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

    /** The first epoch with the highest validation NDCG@10 (the one early stopping keeps), if any was validated. */
    public Optional<Epoch> bestValidatedEpoch() {
        Epoch best = null;
        for (Epoch e : epochs) {
            if (e.validated() && (best == null || e.validationNdcg10() > best.validationNdcg10())) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
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

    void validationUsers(int users) {
        this.validationUsers = users;
    }

    /** Users held out for per-epoch validation (0 when validation was off). */
    public int validationUsers() {
        return validationUsers;
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

    /**
     * Everything by name, epochs as their {@link Epoch#fields()}: what the jobs' {@code training.json} reports.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trainedSequences", trainedSequences);
        m.put("items", numItems);
        m.put("workers", numWorkers);
        m.put("droppedRows", droppedRows());
        m.put("resumedAfterEpoch", resumedAfter);
        m.put("validationUsers", validationUsers);
        m.put("positionsPerPass", positionsPerPass);
        m.put("keptEpoch", keptEpoch);
        m.put("epochs", epochs.stream().map(Epoch::fields).toList());
        return m;
    }

    /** Human-readable summary. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SASRec training: %d epochs, %d sequences, %d items, %d workers, %.1f s; dropped rows %s",
                epochs.size(), trainedSequences, numItems, numWorkers, totalSeconds(), droppedRows)
                + (keptEpoch > 0 ? "; kept epoch " + keptEpoch + " (early stopping)" : "");
    }
}
