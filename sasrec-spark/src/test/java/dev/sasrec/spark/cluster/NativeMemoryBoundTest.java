package dev.sasrec.spark.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training and scoring stay within heap plus memory overhead, with the SameDiff backend, whose passes hold their
 * intermediates in native memory (the native backend's are Java arrays). The same two-step epoch runs in two JVMs
 * with a 768 MiB heap: without a memory overhead setting it computes 25,600 positions in one pass and its resident memory
 * goes far beyond heap plus 768 MiB; with {@code spark.executor.memoryOverhead = 768m} the passes are cut to the
 * budget's 3,297 positions (what the overhead leaves beside the reserve and the trainer's
 * resident state), the epoch trains the same model (its loss, which includes the second step's loss
 * after the first update, and the parameter update of both steps), every user is scored, and the peak resident
 * memory of training and scoring stays under heap plus overhead.
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

        assertEquals(3_297, Integer.parseInt(bounded[0]), "positions per pass under a 768 MiB overhead");
        assertTrue(Long.parseLong(bounded[2]) < limitKib,
                "peak resident memory " + bounded[2] + " KiB within heap + overhead " + limitKib + " KiB");
        // Exact gradient accumulation: the pass gradients are summed in another order, nothing else differs.
        assertEquals(Double.parseDouble(unbounded[1]), Double.parseDouble(bounded[1]), 3e-4,
                "splitting a batch into passes gives the same epoch loss");
        float[] whole = update(dir.resolve("unbounded.txt"));
        float[] split = update(dir.resolve("bounded.txt"));
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < whole.length; i++) {
            diff += (whole[i] - split[i]) * (double) (whole[i] - split[i]);
            norm += whole[i] * (double) whole[i];
        }
        System.out.printf("parameter update: norm %.4f, relative difference %.2e%n", Math.sqrt(norm), Math.sqrt(diff / norm));
        assertTrue(norm > 0, "training changed the parameters");
        assertTrue(Math.sqrt(diff / norm) < 1e-4, "splitting a batch into passes gives the same update: relative difference "
                + Math.sqrt(diff / norm));
    }

    private static float[] update(Path out) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(Path.of(out + ".update"))))) {
            float[] v = new float[(int) (Files.size(Path.of(out + ".update")) / Float.BYTES)];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.readFloat();
            }
            return v;
        }
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
