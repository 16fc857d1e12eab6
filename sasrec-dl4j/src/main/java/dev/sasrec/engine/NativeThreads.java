package dev.sasrec.engine;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets how many threads the native backend (its OpenMP pool and BLAS) may use in this JVM. Set it from the cores a
 * process or task owns: two tasks with two threads each thrash a two-core machine.
 */
public final class NativeThreads {

    private NativeThreads() {
    }

    /** Limits native ops and BLAS to {@code threads} threads; at least 1. */
    public static void set(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: invalid value " + threads + ", expected an integer >= 1");
        }
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /** The current native thread limit. */
    public static int get() {
        return Nd4j.getEnvironment().maxThreads();
    }
}
