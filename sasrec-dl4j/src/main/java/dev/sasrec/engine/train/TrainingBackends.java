package dev.sasrec.engine.train;

import dev.sasrec.engine.model.SasRecConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

/** The training backends on the class path, by name. */
public final class TrainingBackends {

    /**
     * The backend used unless another is named: {@code native}, the CPU backend. On GPU executors (the
     * {@code cuda} build) name {@code samediff}, which runs on whichever ND4J backend is on the class path.
     */
    public static final String DEFAULT = "native";

    private TrainingBackends() {
    }

    /** The backend called {@code name}; the error lists the available ones. */
    public static TrainingBackend named(String name) {
        for (TrainingBackend b : ServiceLoader.load(TrainingBackend.class, TrainingBackends.class.getClassLoader())) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("trainingBackend: unknown value '" + name + "', expected one of "
                + String.join(", ", names()));
    }

    /**
     * For {@link TrainingBackend#averageAttention}: the histories of at least {@code positions} items, after
     * checking that the window fits the model (1..n).
     */
    public static int[][] attentionHistories(SasRecConfig config, int[][] histories, int positions) {
        if (positions < 1 || positions > config.maxLen()) {
            throw new IllegalArgumentException("positions: invalid value " + positions + ", expected 1.." + config.maxLen());
        }
        return Arrays.stream(histories).filter(h -> h.length >= positions).toArray(int[][]::new);
    }

    /** The names of the backends on the class path. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        ServiceLoader.load(TrainingBackend.class, TrainingBackends.class.getClassLoader()).forEach(b -> names.add(b.name()));
        return names;
    }
}
