package dev.sasrec.engine.cpu;

import dev.sasrec.engine.train.FlatGradient;
import dev.sasrec.engine.internal.ItemSets;
import dev.sasrec.engine.loss.Loss;
import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.train.TrainingBackend;
import dev.sasrec.engine.train.TrainingBackends;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native backend as the engine uses it: the default backend, deterministic for a seed and a worker count,
 * causal, each history computed over its own positions whatever else is in the batch, and with the SameDiff
 * backend's attention maps.
 */
class NativeBackendTest {

    private static final int NUM_ITEMS = 30;
    private static final SasRecConfig CONFIG = SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 28)
            .set("numBlocks", 2).set("numHeads", 2).set("dropout", 0.3).set("seed", 5).build();

    @Test
    void nativeIsTheDefaultBackend() {
        assertInstanceOf(NativeBackend.class, TrainingBackends.named(TrainingBackends.DEFAULT));
        assertTrue(TrainingBackends.names().containsAll(java.util.List.of("native", "samediff")));
    }

    @Test
    void theSameSeedAndWorkerCountGiveTheSameGradientBitForBit() {
        int[][] sequences = sequences(12, 3);
        int[][] seen = seen(sequences);
        INDArray params = ParameterLayout.of(CONFIG, NUM_ITEMS).initialise(3);
        for (int workers : new int[]{1, 2}) {
            float[] first = gradient(workers, 9, params, sequences, seen);
            float[] second = gradient(workers, 9, params, sequences, seen);
            assertArrayEquals(first, second, workers + " worker(s)");
            assertFalse(Arrays.equals(first, gradient(workers, 10, params, sequences, seen)),
                    "another seed draws other negatives and masks");
        }
        // One worker or two: the same gradient up to the order of float additions.
        float[] one = gradient(1, 9, params, sequences, seen);
        float[] two = gradient(2, 9, params, sequences, seen);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < one.length; i++) {
            diff += Math.pow(one[i] - two[i], 2);
            norm += Math.pow(one[i], 2);
        }
        assertTrue(Math.sqrt(diff / norm) < 1e-5, "relative difference " + Math.sqrt(diff / norm));
    }

    @Test
    void aPositionSeesNeitherLaterItemsNorOtherHistories() {
        SasRecNetwork network = SasRecNetwork.initialise(CONFIG.toBuilder().set("dropout", 0.0).build(), NUM_ITEMS);
        EncoderWeights w = EncoderWeights.of(network.config(), network.layout(), network.parametersView());
        int[] a = new SplittableRandom(7).ints(26, 1, NUM_ITEMS + 1).toArray();
        int[] changed = a.clone();
        changed[20] = changed[20] % NUM_ITEMS + 1;
        int[] other = sequences(1, 8)[0];
        float[] alone = encode(network, w, new int[][]{a});
        float[] withOther = encode(network, w, new int[][]{other, a});
        float[] later = encode(network, w, new int[][]{changed});
        int d = CONFIG.hiddenUnits();
        int offset = Math.min(other.length, CONFIG.maxLen()) * d;
        for (int t = 0; t < a.length; t++) {
            for (int j = 0; j < d; j++) {
                assertEquals(alone[t * d + j], withOther[offset + t * d + j], 1e-6, "position " + t + " beside another history");
                if (t < 20) {
                    assertEquals(alone[t * d + j], later[t * d + j], 1e-6, "position " + t + " saw item 20 change");
                }
            }
        }
        assertTrue(Math.abs(alone[20 * d] - later[20 * d]) > 1e-4, "position 20 sees its own item");
    }

    @Test
    void attentionMapsAgreeWithTheSameDiffBackend() {
        SasRecNetwork network = SasRecNetwork.initialise(CONFIG, NUM_ITEMS);
        int[][] histories = sequences(6, 11);
        float[][][] reference = TrainingBackends.named("samediff").averageAttention(network, histories, 5);
        float[][][] maps = new NativeBackend().averageAttention(network, histories, 5);
        for (int b = 0; b < reference.length; b++) {
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(reference[b][i], maps[b][i], 1e-5f, "block " + b + " query " + i);
            }
        }
    }

    @Test
    void shardsAreContiguousAndSplitThePositionsEvenly() {
        int[][] inputs = {new int[10], new int[10], new int[10], new int[10], new int[5], new int[5]};
        assertArrayEquals(new int[]{0, 6}, NativeGradients.shards(inputs, 50, 1));
        assertArrayEquals(new int[]{0, 3, 6}, NativeGradients.shards(inputs, 50, 2));
        assertArrayEquals(new int[]{0, 2, 4, 6}, NativeGradients.shards(inputs, 50, 3));
        // More workers than histories: the last shards are empty.
        assertArrayEquals(new int[]{0, 1, 2, 2}, NativeGradients.shards(new int[][]{new int[3], new int[3]}, 6, 3));
    }

    @Test
    void attentionMapsTakeHistoriesOfAtLeastTheWindowAndRejectWindowsOutsideOneToN() {
        SasRecNetwork network = SasRecNetwork.initialise(CONFIG, NUM_ITEMS);
        NativeBackend backend = new NativeBackend();
        // A history of exactly the window's length counts: each query row of a full window sums to 1.
        float[][][] maps = backend.averageAttention(network, new int[][]{{1, 2, 3}, {4, 5}}, 3);
        for (int i = 0; i < 3; i++) {
            float sum = 0;
            for (float w : maps[0][i]) {
                sum += w;
            }
            assertEquals(1f, sum, 1e-5, "query " + i);
        }
        assertEquals(0f, backend.averageAttention(network, new int[][]{{4, 5}}, 3)[0][2][2], "no history long enough");
        for (int window : new int[]{0, CONFIG.maxLen() + 1}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> backend.averageAttention(network, new int[][]{{1, 2}}, window));
            assertTrue(e.getMessage().contains("positions") && e.getMessage().contains("1.." + CONFIG.maxLen()), e.getMessage());
        }
        assertEquals(CONFIG.maxLen(), backend.averageAttention(network, new int[][]{{1, 2}}, CONFIG.maxLen())[0].length);
    }

    @Test
    void theBackendSpreadsAPassOverItsThreadsAndNeedsNoCollections() {
        TrainingBackend backend = new NativeBackend();
        assertEquals(1, backend.concurrentPasses(4));
        assertFalse(backend.needsCollections());
        // 4 bytes times: per block 14 d + 2 n h, plus 8 d
        assertEquals(4L * (2 * (14 * 8 + 2 * 28 * 2) + 8 * 8), backend.bytesPerPosition(CONFIG, NUM_ITEMS));
    }

    @Test
    void theFullSoftmaxAddsItsLogitsPerPosition() {
        TrainingBackend backend = new NativeBackend();
        SasRecConfig bce = CONFIG.toBuilder().set("loss", Loss.BCE).build();
        assertTrue(backend.bytesPerPosition(bce, 1000) > 0);
        assertEquals(backend.bytesPerPosition(bce, 1000) + 12L * 1000,
                backend.bytesPerPosition(bce.toBuilder().set("loss", Loss.CE).build(), 1000));
    }

    private static float[] encode(SasRecNetwork network, EncoderWeights w, int[][] histories) {
        StackedEncoder encoder = new StackedEncoder(network.config(), network.numItems());
        encoder.forward(w, histories, 0, null);
        return Arrays.copyOf(encoder.output(), encoder.rows() * network.config().hiddenUnits());
    }

    private static float[] gradient(int workers, long seed, INDArray params, int[][] sequences, int[][] seen) {
        FlatGradient g = new FlatGradient(ParameterLayout.of(CONFIG, NUM_ITEMS));
        new NativeGradients(CONFIG, NUM_ITEMS, seed, workers).compute(params, sequences, seen, g);
        return g.values().data().asFloat();
    }

    /** Histories of 2 to 40 items (longer than n = 28 included), drawn from {@code seed}. */
    private static int[][] sequences(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] out = new int[count][];
        for (int i = 0; i < count; i++) {
            out[i] = rnd.ints(2 + rnd.nextInt(39), 1, NUM_ITEMS + 1).toArray();
        }
        return out;
    }

    private static int[][] seen(int[][] sequences) {
        return Arrays.stream(sequences).map(ItemSets::sortedDistinct).toArray(int[][]::new);
    }
}
