package dev.sasrec.engine.samediff;

import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.internal.ItemSets;
import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.score.Scorer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Causality, padding invariance and agreement of the training and inference graphs. */
class EncoderPropertiesTest {

    private static SasRecConfig config;
    private static SasRecNetwork network;
    private static Scorer scorer;

    @BeforeAll
    static void setUp() {
        config = SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 10).set("numBlocks", 2).set("numHeads", 2).set("dropout", 0).set("seed", 4).build();
        network = SasRecNetwork.initialise(config, 20);
        scorer = network.newScorer();
    }

    @Test
    void changingAnItemDoesNotChangeEarlierPositions() {
        int[] a = {3, 7, 1, 9, 12, 4, 8};
        int[] b = a.clone();
        int t = 4;
        b[t] = 15;
        INDArray outA = encode(network, new int[][]{a});
        INDArray outB = encode(network, new int[][]{b});
        for (int i = 0; i < a.length; i++) {
            double diff = maxAbsDiff(outA.get(NDArrayIndex.point(0), NDArrayIndex.point(i), NDArrayIndex.all()),
                    outB.get(NDArrayIndex.point(0), NDArrayIndex.point(i), NDArrayIndex.all()));
            if (i < t) {
                assertEquals(0.0, diff, 1e-6, "position " + i + " saw the change at " + t);
            } else {
                assertTrue(diff > 1e-4, "position " + i + " did not see the change at " + t);
            }
        }
    }

    @Test
    void morePaddingDoesNotChangeTheLastPosition() {
        int[] shortHistory = {5, 2, 11};
        int[] longHistory = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        INDArray alone = scorer.userVectors(new int[][]{shortHistory});
        INDArray padded = scorer.userVectors(new int[][]{shortHistory, longHistory});
        assertEquals(0.0, maxAbsDiff(alone.getRow(0), padded.getRow(0)), 1e-5);
    }

    @Test
    void historiesLongerThanMaxLenUseTheirLastItems() {
        int[] longHistory = {19, 18, 17, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        int[] lastN = java.util.Arrays.copyOfRange(longHistory, longHistory.length - config.maxLen(), longHistory.length);
        assertEquals(0.0, maxAbsDiff(scorer.userVectors(new int[][]{longHistory}),
                scorer.userVectors(new int[][]{lastN})), 1e-6);
    }

    @Test
    void trainingGraphMatchesInferenceGraphWithoutDropout() {
        int[][] sequences = {{4, 5, 6, 7, 8}, {9, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}};
        int[][] seen = new int[sequences.length][];
        int[][] inputs = new int[sequences.length][];
        for (int i = 0; i < sequences.length; i++) {
            seen[i] = ItemSets.sortedDistinct(sequences[i]);
            inputs[i] = java.util.Arrays.copyOf(sequences[i], sequences[i].length - 1);
        }
        TrainingStep step = new TrainingStep(config, network.numItems(), 1);
        TrainingStep.Prepared p = step.prepare(network.parametersView(), sequences, seen);
        step.graph().loadParameters(network.layout(), network.parametersView());
        Map<String, INDArray> out = step.graph().sameDiff().output(p.placeholders(), SasRecGraph.OUTPUT);
        INDArray train = out.get(SasRecGraph.OUTPUT);
        INDArray infer = encode(network, inputs);
        assertEquals(train.size(1), infer.size(1));
        for (int b = 0; b < inputs.length; b++) {
            for (int i = 0; i < train.size(1); i++) {
                if (p.inputs()[b][i] != 0) {
                    double diff = maxAbsDiff(train.get(NDArrayIndex.point(b), NDArrayIndex.point(i), NDArrayIndex.all()),
                            infer.get(NDArrayIndex.point(b), NDArrayIndex.point(i), NDArrayIndex.all()));
                    assertEquals(0.0, diff, 1e-5, "row " + b + " position " + i);
                }
            }
        }
    }

    @Test
    void lastPositionEncoderMatchesTheFullGraph() {
        // Lengths 1 to 12 (over maxLen = 10), on both sides of the encoder's four-keys-at-a-time loops.
        int[][] histories = {{4, 5, 6, 7, 8}, {9}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {20, 19, 3}, {7, 7, 2, 14}};
        for (SasRecConfig c : new SasRecConfig[]{config,
                config.toBuilder().set("numHeads", 1).build(),
                config.toBuilder().set("numBlocks", 1).build(),
                config.toBuilder().set("numBlocks", 1).set("preLayerNorm", true).build(),
                config.toBuilder().set("numBlocks", 3).set("numHeads", 4).set("preLayerNorm", true).build(),
                // d = 6: the layer norms' four-wide loops leave a remainder, and heads of width 3
                config.toBuilder().set("hiddenUnits", 6).set("numHeads", 2).build(),
                config.toBuilder().set("hiddenUnits", 6).set("numHeads", 2).set("preLayerNorm", true).build()}) {
            // Every parameter drawn at random, layer-norm gains and biases included.
            ParameterLayout layout = ParameterLayout.of(c, 20);
            java.util.SplittableRandom random = new java.util.SplittableRandom(c.numBlocks() * 7L + c.numHeads());
            INDArray params = Nd4j.createFromArray(random.doubles(layout.size(), -1, 1).toArray()).castTo(DataType.FLOAT);
            Scorer s = new SasRecNetwork(c, 20, params).newScorer();
            INDArray full = encode(s.network(), histories);
            INDArray last = s.userVectors(histories);
            assertEquals(0.0, maxAbsDiff(full.get(NDArrayIndex.all(), NDArrayIndex.point(full.size(1) - 1), NDArrayIndex.all()), last),
                    1e-5, c.toString());
            // One at a time, after the batch (reused buffers) and in a fresh scorer (buffers grown from one history).
            Scorer fresh = new SasRecNetwork(c, 20, params).newScorer();
            for (int i = 0; i < histories.length; i++) {
                INDArray alone = s.userVectors(new int[][]{histories[i]});
                assertEquals(0.0, maxAbsDiff(alone.getRow(0), last.getRow(i)), 1e-6, c + ", history " + i);
                assertEquals(0.0, maxAbsDiff(fresh.userVectors(new int[][]{histories[i]}).getRow(0), last.getRow(i)), 1e-6);
            }
        }
    }

    @Test
    void unknownItemsAndEmptyHistoriesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> scorer.userVectors(new int[][]{{3, 21}}));
        assertTrue(e.getMessage().contains("item id 21 at position 1 of sequence 0") && e.getMessage().contains("1..20"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> scorer.userVectors(new int[][]{{1}, {4, 0, 5, 6}}));
        assertTrue(e.getMessage().contains("item id 0 at position 1 of sequence 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> scorer.userVectors(new int[][]{{}}));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    static double maxAbsDiff(INDArray a, INDArray b) {
        return Transforms.abs(a.sub(b)).maxNumber().doubleValue();
    }

    /** The encoder output at every position of the left-padded batch, from an inference graph: [B, m, d]. */
    private static INDArray encode(SasRecNetwork net, int[][] histories) {
        SasRecGraph g = SasRecGraph.build(net.config(), net.layout(), SasRecGraph.Mode.ALL_POSITIONS, null);
        g.loadParameters(net.layout(), net.parametersView());
        Map<String, INDArray> ph = new HashMap<>();
        SasRecGraph.putEncoderInputs(ph, EncoderInputs.of(histories, net.config().maxLen(), net.numItems()), net.config(),
                EncoderInputs.itemTable(net.parametersView(), net.layout()));
        INDArray out = g.sameDiff().output(ph, SasRecGraph.OUTPUT).get(SasRecGraph.OUTPUT).dup();
        TrainingStep.release(ph);
        return out;
    }
}
