package dev.sasrec.jobs;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicOutputTest {

    @Test
    void aWriterThatFailsHalfwayLeavesThePreviousResultAndNoTemporaryFiles(@TempDir Path dir) throws Exception {
        AtomicOutput output = new AtomicOutput(new Configuration());
        String dest = dir.resolve("result").toString();
        output.write(dest, tmp -> {
            Files.createDirectories(Path.of(tmp));
            Files.writeString(Path.of(tmp, "part-0"), "complete");
        });
        assertEquals("complete", Files.readString(Path.of(dest, "part-0")));

        assertThrows(IOException.class, () -> output.write(dest, tmp -> {
            Files.createDirectories(Path.of(tmp));
            Files.writeString(Path.of(tmp, "part-0"), "half");
            throw new IOException("executor lost");
        }));
        assertEquals("complete", Files.readString(Path.of(dest, "part-0")), "the failed run is never visible");

        output.writeText(dest, "replaced");
        assertEquals("replaced", Files.readString(Path.of(dest)));
        try (var files = Files.list(dir)) {
            // Hadoop's local file system keeps a .crc checksum beside each file; nothing else may remain.
            assertTrue(files.map(p -> p.getFileName().toString()).allMatch(n -> n.equals("result") || n.equals(".result.crc")),
                    "only the result remains");
        }
    }
}
