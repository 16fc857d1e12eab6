package dev.sasrec.engine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process (Java heap plus native memory), read from {@code /proc/self/status}: what a
 * container's memory limit counts, and what the trainer watches to decide when a garbage collection is worth its
 * cost.
 */
public final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {
    }

    /** Current resident set size in bytes (VmRSS), or -1 where /proc is not available. */
    public static long currentBytes() {
        return read("VmRSS:");
    }

    /** Peak resident set size in bytes (VmHWM), or -1 where /proc is not available. */
    public static long peakBytes() {
        return read("VmHWM:");
    }

    /** {@link #currentBytes()} in MiB, or -1. */
    public static long currentMb() {
        return mb(currentBytes());
    }

    /** {@link #peakBytes()} in MiB, or -1. */
    public static long peakMb() {
        return mb(peakBytes());
    }

    private static long mb(long bytes) {
        return bytes < 0 ? -1 : bytes >> 20;
    }

    private static long read(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
