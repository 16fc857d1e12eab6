package dev.sasrec.spark.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training and scoring stay within heap plus memory overhead. The same epoch runs in two JVMs with a 768 MiB
 * heap: without a memory overhead setting it computes 25,600 positions in one pass and its resident memory goes
 * far beyond heap plus 768 MiB; with {@code spark.executor.memoryOverhead = 768m} the passes are cut to fit, the epoch completes
 * with the same loss (up to the random draws), every user is scored, and the peak resident memory of training and
 * scoring stays under heap plus overhead.
 */
class NativeMemoryBoundTest {

    private static final long HEAP_MIB = 768;
    private static final long OVERHEAD_MIB = 768;

    @Test
    void passesShrinkToTheMemoryOverheadAndResidentMemoryStaysWithinIt(@TempDir Path dir) throws Exception {
        String[] unbounded = run(dir.resolve("unbounded.txt"), null);
        String[] bounded = run(dir.resolve("bounded.txt"), OVERHEAD_MIB + "m");
        long limitKib = (HEAP_MIB + OVERHEAD_MIB) * 1024;
        System.out.println("positions per pass, loss, peak RSS KiB: unbounded " + String.join(" ", unbounded)
                + "; bounded " + String.join(" ", bounded));

        assertEquals(25_600, Integer.parseInt(unbounded[0]));
        assertTrue(Long.parseLong(unbounded[2]) > limitKib,
                "without the bound the run needs more than heap + overhead: " + String.join(" ", unbounded));

        int positions = Integer.parseInt(bounded[0]);
        assertTrue(positions < 25_600 && positions >= 200, "passes were cut: " + positions);
        assertTrue(Long.parseLong(bounded[2]) < limitKib,
                "peak resident memory " + bounded[2] + " KiB within heap + overhead " + limitKib + " KiB");
        // Exact gradient accumulation; only the dropout and negative draws fall differently across passes.
        assertEquals(Double.parseDouble(unbounded[1]), Double.parseDouble(bounded[1]), 5e-3,
                "splitting a batch into passes trains the same model");
    }

    private static String[] run(Path out, String overhead) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LocalStandaloneCluster.java(), "-Xmx" + HEAP_MIB + "m"));
        cmd.addAll(LocalStandaloneCluster.moduleOptions());
        cmd.addAll(List.of("-cp", LocalStandaloneCluster.classPath(), MemoryBoundDriver.class.getName(), out.toString()));
        if (overhead != null) {
            cmd.add(overhead);
        }
        Path log = Path.of(out + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), Files.readString(log));
        assertEquals(0, p.exitValue(), Files.readString(log));
        return Files.readString(out).trim().split(" ");
    }
}
