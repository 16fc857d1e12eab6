package dev.sasrec.engine.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process (Java heap plus native memory), read from {@code /proc/self/status}. */
public final class PeakMemory {

    private PeakMemory() {
    }

    /** Peak resident set size in MB (VmHWM), or -1 where /proc is not available. */
    public static long peakRssMb() {
        return read("VmHWM:");
    }

    /** Current resident set size in MB (VmRSS), or -1 where /proc is not available. */
    public static long currentRssMb() {
        return read("VmRSS:");
    }

    private static long read(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
