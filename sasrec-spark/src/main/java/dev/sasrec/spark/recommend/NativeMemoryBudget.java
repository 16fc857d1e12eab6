package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.train.SasRecTrainer;
import dev.sasrec.engine.train.TrainingBackend;
import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * Keeps training within an executor's native (off-heap) memory. ND4J's arrays live outside the Java heap, so what
 * bounds them is the executor's memory overhead ({@code spark.executor.memoryOverhead}; by default the larger of
 * 384 MiB and {@code spark.executor.memoryOverheadFactor} times the executor memory), the memory a container may
 * use beyond the heap. A training pass needs native memory in proportion to the padded positions it computes, so
 * the budget becomes a cap on positions per pass (batches above it are split into passes with the same result).
 *
 * <p>ND4J's own limit ({@code Nd4j.getEnvironment().setMaxPrimaryMemory}) is not enforced by the CPU backend of
 * 1.0.0-M2.1 (measured: a 50 MB limit let a 1 GB step run), so sizing the passes is what keeps the bound.
 *
 * <p>The per-position cost is the training backend's ({@link TrainingBackend#bytesPerPosition}).
 */
final class NativeMemoryBudget {

    /** Native memory an executor JVM uses whatever the model: JVM internals, thread stacks, ND4J's libraries. */
    static final long RESERVED_BYTES = 256L << 20;
    /** Share of the remaining budget a pass may plan for. */
    static final double SAFETY = 0.8;
    private static final long MIN_OVERHEAD = 384L << 20;

    private NativeMemoryBudget() {
    }

    /**
     * The executor's native memory: {@code spark.executor.memoryOverhead} when set; otherwise, on a cluster,
     * Spark's default overhead; in local mode, where there is no executor container, none.
     */
    static OptionalLong nativeBytes(SparkConf conf) {
        if (conf.contains("spark.executor.memoryOverhead")) {
            return OptionalLong.of(mib(conf.get("spark.executor.memoryOverhead")));
        }
        if (conf.get("spark.master", "local").startsWith("local")) {
            return OptionalLong.empty();
        }
        long heap = mib(conf.get("spark.executor.memory", "1g"));
        double factor = conf.getDouble("spark.executor.memoryOverheadFactor", 0.1);
        return OptionalLong.of(Math.max(MIN_OVERHEAD, (long) (factor * heap)));
    }

    /**
     * Fails unless {@code nativeBytes} holds the reserved native memory and a trainer's resident state
     * ({@code stateBytes}: parameters and Adam moments, which a container limit counts like any other native
     * memory), naming the setting and the least value that fits.
     */
    static void requireRoomForState(long nativeBytes, long stateBytes, int numItems, int d) {
        if (nativeBytes < RESERVED_BYTES + stateBytes) {
            long needed = (RESERVED_BYTES + stateBytes + (1L << 20) - 1) >> 20;
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "spark.executor.memoryOverhead: %d MiB (set or Spark's default) cannot hold a trainer's resident "
                            + "state of %d MiB (parameters and Adam moments over %,d items, d = %d) and the %d MiB "
                            + "an executor reserves; expected at least %d MiB, and more for the training passes",
                    nativeBytes >> 20, stateBytes >> 20, numItems, d, RESERVED_BYTES >> 20, needed));
        }
    }

    /**
     * How far resident memory may exceed the maximum heap before a training task runs the garbage collector
     * (see {@code SasRecTrainer.collectGarbageAbove}): the reserved native memory, the trainer's resident state
     * ({@code stateBytes}) and the share of the rest that passes do not plan for, so that a collection comes before
     * the next pass could cross heap plus {@code nativeBytes}. Without a budget (local mode) there is no container
     * limit to keep, and training never collects: collections cost more time than anything else Spark adds to a
     * step.
     */
    static long collectionSlack(OptionalLong nativeBytes, long stateBytes) {
        if (nativeBytes.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return RESERVED_BYTES + stateBytes + (long) ((1 - SAFETY) * forPasses(nativeBytes.getAsLong(), stateBytes));
    }

    /**
     * The positions per pass of {@code backend} that fit what {@code nativeBytes} leaves beside the reserve and the
     * trainer's resident state, at least one history's worth ({@code maxLen}).
     */
    static int positionsPerPass(SasRecConfig c, int numItems, long nativeBytes, TrainingBackend backend) {
        long state = SasRecTrainer.residentStateBytes(c, numItems, backend);
        long usable = (long) (SAFETY * forPasses(nativeBytes, state));
        long positions = usable / backend.bytesPerPosition(c, numItems);
        return (int) Math.max(c.maxLen(), Math.min(Integer.MAX_VALUE, positions));
    }

    private static long forPasses(long nativeBytes, long stateBytes) {
        return Math.max(0, nativeBytes - RESERVED_BYTES - stateBytes);
    }

    private static long mib(String size) {
        return JavaUtils.byteStringAsMb(size) << 20;
    }
}
