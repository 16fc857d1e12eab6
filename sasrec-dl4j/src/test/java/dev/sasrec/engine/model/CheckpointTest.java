package dev.sasrec.engine.model;

import dev.sasrec.engine.loss.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {

    @TempDir
    Path dir;

    /**
     * A network whose every hyper-parameter differs from its default, so that none can be lost unseen; of the two
     * batch compositions, which exclude each other, {@code bucketByLength} (see {@link #drawWithReplacementIsKept}).
     */
    private SasRecNetwork network() {
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 6).set("maxLen", 7).set("numBlocks", 1).set("numHeads", 3).set("dropout", 0.35)
                .set("l2Emb", 0.01).set("learningRate", 0.002).set("beta1", 0.8).set("beta2", 0.95).set("epsilon", 1e-7).set("batchSize", 17)
                .set("loss", Loss.SAMPLED).set("numNegatives", 9).set("gbceCalibration", 0.3).set("preLayerNorm", true).set("layerNormEps", 1e-6).set("seed", 77)
                .set("bucketByLength", true).set("gradientClipNorm", 2.5).set("lazyAdam", true).set("allWindows", true).build();
        Map<String, String> defaults = SasRecConfig.builder().build().toMap();
        config.toMap().forEach((key, value) -> {
            if (!key.equals("drawWithReplacement")) {
                assertNotEquals(defaults.get(key), value, key + " is at its default");
            }
        });
        // 2,000 items: more parameters than one 8,192-float chunk of the format, and not a multiple of it.
        return SasRecNetwork.initialise(config, 2_000);
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        SasRecNetwork net = network();
        Path file = dir.resolve("model.sasrec");
        Checkpoint.save(net, file);
        SasRecNetwork back = Checkpoint.load(file);
        assertEquals(net.config(), back.config());
        assertEquals(net.numItems(), back.numItems());
        float[] a = net.parameters().data().asFloat();
        float[] b = back.parameters().data().asFloat();
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "parameter " + i);
        }
        int[][] histories = {{1, 2, 3}, {30, 4}};
        assertArrayEquals(net.newScorer().scores(histories).data().asFloat(), back.newScorer().scores(histories).data().asFloat());
    }

    @Test
    void drawWithReplacementIsKept() throws IOException {
        SasRecConfig config = network().config().toBuilder().set("bucketByLength", false)
                .set("drawWithReplacement", true).build();
        Path file = dir.resolve("model.sasrec");
        Checkpoint.save(SasRecNetwork.initialise(config, 50), file);
        assertTrue(Checkpoint.load(file).config().drawWithReplacement());
    }

    @Test
    void truncatedFileIsReported() throws IOException {
        Path file = dir.resolve("model.sasrec");
        Checkpoint.save(network(), file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void flippedByteFailsTheChecksum() throws IOException {
        Path file = dir.resolve("model.sasrec");
        Checkpoint.save(network(), file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 100] ^= 0x10;
        Files.write(file, bytes);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains(file + " is corrupt: checksum mismatch"), e.getMessage());
    }

    @Test
    void otherFilesAndVersionsAreRejected() throws IOException {
        Path other = dir.resolve("notes.txt");
        Files.writeString(other, "user item\n1 2\n");
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(other));
        assertTrue(e.getMessage().contains("not a SASRec network checkpoint"), e.getMessage());

        Path file = dir.resolve("model.sasrec");
        Checkpoint.save(network(), file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[11] = 9;   // format version, last byte of the int after the 8-byte magic
        Files.write(file, bytes);
        e = assertThrows(IOException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("version 9") && e.getMessage().contains("reads version 1"), e.getMessage());
    }
}
