package dev.sasrec.engine.samediff;

import dev.sasrec.engine.loss.Loss;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.train.TrainingBackend;
import dev.sasrec.engine.train.TrainingBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SameDiff backend as the engine finds it: by name, with its attention maps and its memory model. */
class SameDiffBackendTest {

    @Test
    void theBackendIsFoundByNameAndAnUnknownNameListsTheAvailableOnes() {
        assertInstanceOf(SameDiffBackend.class, TrainingBackends.named("samediff"));
        assertTrue(TrainingBackends.names().contains("samediff"), TrainingBackends.names().toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingBackends.named("tpu"));
        assertTrue(e.getMessage().contains("trainingBackend") && e.getMessage().contains("'tpu'")
                && e.getMessage().contains("samediff"), e.getMessage());
    }

    @Test
    void theFullSoftmaxNeedsTwelveMoreBytesPerPositionForEveryItem() {
        SasRecConfig bce = SasRecConfig.builder().set("hiddenUnits", 50).set("maxLen", 200).set("numBlocks", 2).set("numHeads", 1).build();
        TrainingBackend backend = new SameDiffBackend();
        assertEquals(2L * (960 * 50 + 75 * 200) + 4_000, backend.bytesPerPosition(bce, 3_416));
        assertEquals(backend.bytesPerPosition(bce, 3_416) + 12L * 3_416,
                backend.bytesPerPosition(bce.toBuilder().set("loss", Loss.CE).build(), 3_416));
        // the sampled softmax: a position's scores against the K negatives and their hit mask
        assertEquals(backend.bytesPerPosition(bce, 3_416) + 8L * 100,
                backend.bytesPerPosition(bce.toBuilder().set("loss", Loss.SAMPLED).build(), 3_416));
        // gbce: every position's K negative rows, their products with the output and their gradients
        assertEquals(backend.bytesPerPosition(bce, 3_416) + 12L * 100 * 50,
                backend.bytesPerPosition(bce.toBuilder().set("loss", Loss.GBCE).build(), 3_416));
    }

    @Test
    void averageAttentionIsCausalAndRowsSumToOneOverFullWindows() {
        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 6).set("numBlocks", 2).set("numHeads", 2).set("seed", 4).build();
        SasRecNetwork network = SasRecNetwork.initialise(config, 30);
        TrainingBackend backend = TrainingBackends.named("samediff");
        int[][] histories = {{1, 2, 3, 4, 5, 6, 7}, {9, 8, 7, 6, 5, 4}, {3, 3}, {1, 2, 3, 4, 5, 6}};
        float[][][] full = backend.averageAttention(network, histories, 6);
        assertEquals(2, full.length);
        for (float[][] block : full) {
            for (int i = 0; i < 6; i++) {
                float sum = 0;
                for (int j = 0; j < 6; j++) {
                    if (j > i) {
                        assertEquals(0f, block[i][j], "query " + i + " attends to later position " + j);
                    }
                    sum += block[i][j];
                }
                assertEquals(1f, sum, 1e-4, "weights of query " + i + " over a full window");
            }
        }
        // A window of the last 3 positions is the bottom-right corner of the full map.
        float[][][] last3 = backend.averageAttention(network, histories, 3);
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(full[b][i + 3][j + 3], last3[b][i][j], 1e-5);
                }
            }
        }
        assertEquals(0f, backend.averageAttention(network, new int[][]{{1, 2}}, 3)[0][2][2], "no history long enough");
    }
}
