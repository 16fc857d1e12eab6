package dev.sasrec.engine.internal;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Sets how many threads the native backend (its ops, their OpenMP teams and BLAS) may use in this JVM. Set it from
 * the cores a process or task owns: two tasks with two threads each thrash a two-core machine.
 *
 * <p>OpenMP keeps its team size per thread, and a thread starts with one team member per core whatever the
 * backend's own limit says, so a thread that runs native ops applies the limit to itself ({@link #set} does, for
 * the calling thread; the engine's scoring and training-pass threads call {@link #applyToCallingThread()} before
 * each job). Without it, two scoring threads on two cores each start teams of two, and an op waits for a team
 * member the scheduler has parked: a 40 us softmax then takes 4 ms one time in a hundred.
 */
public final class NativeThreads {

    private NativeThreads() {
    }

    /** Limits native ops and BLAS to {@code threads} threads, OpenMP teams started from the calling thread included; at least 1. */
    public static void set(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: invalid value " + threads + ", expected an integer >= 1");
        }
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        applyToCallingThread();
    }

    /** Limits the OpenMP teams of native ops started from the calling thread to the current limit ({@link #get}). */
    public static void applyToCallingThread() {
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(get());
    }

    /** The current native thread limit. */
    public static int get() {
        return Nd4j.getEnvironment().maxThreads();
    }
}
