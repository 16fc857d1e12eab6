package dev.sasrec.engine.internal;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work handed to another thread, with its failure rethrown as it was thrown. */
public final class Futures {

    private Futures() {
    }

    /**
     * Waits for {@code f}; rethrows its runtime exception or error unchanged.
     *
     * @param what what the work was, for the message of an interruption or a checked failure
     */
    public static void await(Future<?> f, String what) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(what + " failed", e.getCause());
        }
    }
}
