package dev.sasrec.engine.samediff;

import org.nd4j.autodiff.samediff.SameDiff;

import java.io.PrintStream;

/**
 * Builds a graph's gradient function without the "Added differentiated op ..." line SameDiff prints per op.
 *
 * <p>SameDiff 1.0.0-M2.1 writes those lines with {@code System.out.println} and no switch to turn them off. Rather
 * than swapping {@code System.out} around each build (which would catch other threads' output meanwhile and race
 * with anyone else who swaps it), the first build wraps {@code System.out} once in a stream that drops exactly those
 * lines, and only when the thread printing them is building a gradient function here; every other write passes
 * through unchanged.
 */
final class QuietGradients {

    private static final String NOISE = "Added differentiated op";
    private static final ThreadLocal<Boolean> BUILDING = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static boolean installed;

    private QuietGradients() {
    }

    static void create(SameDiff sd) {
        install();
        BUILDING.set(Boolean.TRUE);
        try {
            sd.createGradFunction();
        } finally {
            BUILDING.set(Boolean.FALSE);
        }
    }

    private static synchronized void install() {
        if (!installed) {
            System.setOut(new Filter(System.out));
            installed = true;
        }
    }

    /** {@code System.out} as it was, less the noise lines of threads inside {@link #create}. */
    private static final class Filter extends PrintStream {
        Filter(PrintStream target) {
            super(target, true);
        }

        @Override
        public void println(String line) {
            if (BUILDING.get() && line != null && line.startsWith(NOISE)) {
                return;
            }
            super.println(line);
        }
    }
}
