package dev.sasrec.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures how fast the machine runs a fixed piece of arithmetic, a few times a second, beside a benchmark: the
 * thread's CPU time for the same work rises when the core is slower (shared with other machines' work, clocked
 * down) and does not rise when the benchmark's own threads merely keep the probe waiting for a core. A benchmark
 * reads the ratio of each window's probe time to the fastest tenth of all probes, so that a slow stretch of the
 * benchmark can be told apart from a slow stretch of the machine. Each probe also notes the JVM's garbage
 * collection time so far, for the same purpose. The probe costs about 0.1% of one core (0.23 ms of work every
 * 250 ms).
 */
final class MachineSpeedProbe implements AutoCloseable {

    /** One probe: when it ended (epoch ms), the CPU time its fixed work took (ns), the JVM's GC time so far (ms). */
    record Sample(long endMillis, long cpuNanos, long gcMillis) {
    }

    private static final int WORK_FLOATS = 1024;
    private static final int WORK_ROUNDS = 400;

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
            while (running) {
                long before = threads.getCurrentThreadCpuTime();
                sink = work(a);
                long cpu = threads.getCurrentThreadCpuTime() - before;
                synchronized (samples) {
                    samples.add(new Sample(System.currentTimeMillis(), cpu, gcMillis()));
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
     * The probes that ended within [fromMillis, toMillis), each as its CPU time over {@code baselineNanos}: their
     * mean, or NaN without a probe in the window.
     */
    static double meanRatio(List<Sample> samples, long fromMillis, long toMillis, double baselineNanos) {
        double sum = 0;
        int n = 0;
        for (Sample s : samples) {
            if (s.endMillis() >= fromMillis && s.endMillis() < toMillis) {
                sum += s.cpuNanos() / baselineNanos;
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

    /** The mean CPU time of the fastest tenth of {@code samples} (ns): the machine at its quickest. */
    static double fastestTenth(List<Sample> samples) {
        long[] cpu = samples.stream().mapToLong(Sample::cpuNanos).sorted().toArray();
        int n = Math.max(1, cpu.length / 10);
        return Arrays.stream(cpu, 0, Math.min(n, cpu.length)).average().orElse(Double.NaN);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
    }
}
