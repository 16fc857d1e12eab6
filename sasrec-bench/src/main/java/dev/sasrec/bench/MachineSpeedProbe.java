package dev.sasrec.bench;

import dev.sasrec.engine.internal.NativeThreads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;

/**
 * Measures how fast the machine runs three fixed pieces of work, a few times a second, beside a benchmark: a chain
 * of dependent arithmetic on data in the core's first-level cache (it follows the clock), one matrix product of
 * the scorer's shape through BLAS (it follows the core's vector throughput, which a machine shared with other
 * machines' work can lose while its clock stays), and a chain of dependent reads at random places of 64 MB (each
 * read waits on main memory, as the state store's and the item table's reads do). The thread's CPU time for the
 * same work rises when the core or the memory is slower and does not rise when the benchmark's own threads merely
 * keep the probe waiting for a core. A benchmark reads the ratio of each window's probe times to the fastest tenth
 * of all probes, so that a slow stretch of the benchmark can be told apart from a slow stretch of the machine. Each
 * probe also notes the JVM's garbage collection time so far, for the same purpose. The probe costs about 0.7% of
 * one core (about 1.7 ms of work every 250 ms) and holds 64 MB of heap and 2.5 MB of native memory, which a
 * benchmark's peak RSS includes; its product runs on one native thread, so set the backend's limit to one thread
 * ({@code NativeThreads.set(1)}) before starting it, as every scoring task of a one-core task does.
 */
final class MachineSpeedProbe implements AutoCloseable {

    /**
     * One probe: when it ended (epoch ms), the CPU time of the arithmetic, of the product and of the memory reads
     * (ns), the JVM's GC time so far (ms).
     */
    record Sample(long endMillis, long arithmeticNanos, long productNanos, long memoryNanos, long gcMillis) {
    }

    private static final int WORK_FLOATS = 1024;
    private static final int WORK_ROUNDS = 400;
    /** 64 MB of ints: far beyond the last-level cache of one core's share. */
    private static final int CHAIN_INTS = 1 << 24;
    private static final int CHAIN_READS = 2000;
    /** The item product of a scoring batch of 256 users, d = 50, over one block of 2,048 items. */
    private static final int PRODUCT_ROWS = 256;
    private static final int PRODUCT_DEPTH = 50;
    private static final int PRODUCT_COLUMNS = 2048;

    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** Keeps the work's result alive so that the JIT cannot drop it. */
    private volatile float sink;

    /** Starts probing every {@code intervalMillis} on a daemon thread. */
    MachineSpeedProbe(long intervalMillis) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        thread = new Thread(() -> {
            float[] a = new float[WORK_FLOATS];
            for (int i = 0; i < a.length; i++) {
                a[i] = 1f / (i + 1);
            }
            int[] chain = randomCycle(CHAIN_INTS);
            int at = 0;
            NativeThreads.applyToCallingThread();
            INDArray users = randomMatrix(PRODUCT_ROWS, PRODUCT_DEPTH, 1);
            INDArray items = randomMatrix(PRODUCT_DEPTH, PRODUCT_COLUMNS, 2);
            INDArray scores = Nd4j.create(DataType.FLOAT, PRODUCT_ROWS, PRODUCT_COLUMNS);
            while (running) {
                long before = threads.getCurrentThreadCpuTime();
                sink = work(a);
                long arithmetic = threads.getCurrentThreadCpuTime();
                Nd4j.gemm(users, items, scores, false, false, 1.0, 0.0);
                long product = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < CHAIN_READS; i++) {
                    at = chain[at];
                }
                long memory = threads.getCurrentThreadCpuTime();
                sink += at;
                synchronized (samples) {
                    samples.add(new Sample(System.currentTimeMillis(), arithmetic - before, product - arithmetic,
                            memory - product, gcMillis()));
                }
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "machine-speed-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private static INDArray randomMatrix(int rows, int columns, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[rows * columns];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() - 0.5);
        }
        return Nd4j.create(values, new long[]{rows, columns}, 'c');
    }

    /** A single cycle through all of {@code 0..n-1} in random order (Sattolo's shuffle, fixed seed). */
    private static int[] randomCycle(int n) {
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i;
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i);
            int t = next[i];
            next[i] = next[j];
            next[j] = t;
        }
        return next;
    }

    private static float work(float[] a) {
        float s = 0;
        for (int r = 0; r < WORK_ROUNDS; r++) {
            for (int i = 0; i < a.length; i++) {
                s += a[i] * a[(i + r) & (a.length - 1)];
            }
            s *= 0.5f;
        }
        return s;
    }

    /** The samples so far, oldest first. */
    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /**
     * The probes that ended within [fromMillis, toMillis), each as its {@code work} time over {@code baselineNanos}:
     * their mean, or NaN without a probe in the window.
     */
    static double meanRatio(List<Sample> samples, ToLongFunction<Sample> work, long fromMillis,
                            long toMillis, double baselineNanos) {
        double sum = 0;
        int n = 0;
        for (Sample s : samples) {
            if (s.endMillis() >= fromMillis && s.endMillis() < toMillis) {
                sum += work.applyAsLong(s) / baselineNanos;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * The JVM's garbage collection time (ms) between the last probe before {@code fromMillis} and the last before
     * {@code toMillis}: the collections of about that window, to the probes' spacing.
     */
    static long gcMillis(List<Sample> samples, long fromMillis, long toMillis) {
        long before = 0;
        long until = 0;
        for (Sample s : samples) {
            if (s.endMillis() < fromMillis) {
                before = s.gcMillis();
            }
            if (s.endMillis() < toMillis) {
                until = s.gcMillis();
            }
        }
        return until - before;
    }

    /** The mean {@code work} time of the fastest tenth of {@code samples} (ns): the machine at its quickest. */
    static double fastestTenth(List<Sample> samples, ToLongFunction<Sample> work) {
        long[] times = samples.stream().mapToLong(work).sorted().toArray();
        int n = Math.max(1, times.length / 10);
        return Arrays.stream(times, 0, Math.min(n, times.length)).average().orElse(Double.NaN);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
    }
}
