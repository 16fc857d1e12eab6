package dev.sasrec.engine.train;

import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.engine.eval.LeaveOneOutEvaluator;
import dev.sasrec.engine.eval.Protocol;
import dev.sasrec.engine.eval.RankingMetrics;
import dev.sasrec.engine.loss.Loss;
import dev.sasrec.engine.model.SasRecConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Determinism, learning on data with a known next-item rule, early stopping. */
class TrainerTest {

    private static final UserSequences DATA = SyntheticSequences.generate(400, 100, 15, 30, 0.9, 7);

    private static SasRecConfig.Builder small() {
        return SasRecConfig.builder().set("hiddenUnits", 32).set("maxLen", 20).set("numBlocks", 2).set("numHeads", 1).set("dropout", 0.1)
                .set("batchSize", 64).set("learningRate", 0.005).set("seed", 13);
    }

    @Test
    void sameSeedAndDataGiveIdenticalWeights() {
        LeaveOneOutSplit split = LeaveOneOutSplit.of(DATA);
        TrainingSet train = TrainingSet.of(split);
        float[][] weights = new float[2][];
        for (int run = 0; run < 2; run++) {
            SasRecTrainer trainer = new SasRecTrainer(small().build(), DATA.numItems());
            trainer.trainEpoch(train);
            trainer.trainEpoch(train);
            weights[run] = trainer.parameters().data().asFloat();
        }
        assertArrayEquals(weights[0], weights[1]);
        SasRecTrainer other = new SasRecTrainer(small().set("seed", 14).build(), DATA.numItems());
        other.trainEpoch(train);
        other.trainEpoch(train);
        assertFalse(java.util.Arrays.equals(weights[0], other.parameters().data().asFloat()));
    }

    @Test
    void drawWithReplacementTrainsOtherBatchesTheSameWayForTheSameSeed() {
        TrainingSet train = TrainingSet.of(LeaveOneOutSplit.of(DATA));
        float[][] weights = new float[3][];
        for (int run = 0; run < 3; run++) {
            SasRecTrainer trainer = new SasRecTrainer(small().set("drawWithReplacement", run < 2).build(), DATA.numItems());
            trainer.trainEpoch(train);
            weights[run] = trainer.parameters().data().asFloat();
        }
        assertArrayEquals(weights[0], weights[1], "same seed, same draws");
        assertFalse(java.util.Arrays.equals(weights[0], weights[2]), "not the batches of every user once");
    }

    @Test
    void allWindowsTrainsEveryWindowOfALongHistoryAsASequenceOfItsOwn() {
        TrainingSet train = TrainingSet.of(LeaveOneOutSplit.of(DATA));
        TrainingSet windows = train.allWindows(20);
        assertTrue(windows.size() > train.size(), "some histories are longer than maxLen + 1");
        SasRecTrainer windowed = new SasRecTrainer(small().set("allWindows", true).build(), DATA.numItems());
        SasRecTrainer cut = new SasRecTrainer(small().build(), DATA.numItems());
        SasRecTrainer last = new SasRecTrainer(small().build(), DATA.numItems());
        for (int epoch = 0; epoch < 2; epoch++) {
            windowed.trainEpoch(train);
            cut.trainEpoch(windows);
            last.trainEpoch(train);
        }
        float[] w = windowed.parameters().data().asFloat();
        assertArrayEquals(cut.parameters().data().asFloat(), w, "the flag trains what the cut training set trains");
        assertFalse(java.util.Arrays.equals(last.parameters().data().asFloat(), w), "not only the last windows");
    }

    @Test
    void learnsTheNextItemRuleFarAboveChance() {
        for (Loss loss : Loss.values()) {
            LeaveOneOutSplit split = LeaveOneOutSplit.of(DATA);
            SasRecTrainer trainer = new SasRecTrainer(small().set("loss", loss).set("numNegatives", 20).build(),
                    DATA.numItems());
            List<EpochReport> reports = trainer.fit(TrainingSet.of(split), new FitOptions(6, 0, 0), null, null);
            assertEquals(6, reports.size());
            assertTrue(reports.get(5).loss() < reports.get(0).loss(), loss + " loss did not fall: " + reports);
            RankingMetrics full = LeaveOneOutEvaluator.evaluate(trainer.network().newScorer(), split,
                    LeaveOneOutEvaluator.Split.TEST, Protocol.FULL, 10, 10_000, 1);
            // Chance is about 10 / (100 - history) < 0.15; the rule is followed 90% of the time.
            assertTrue(full.hitRate() > 0.5, loss + ": " + full);
            assertEquals(Protocol.FULL, full.protocol());
            RankingMetrics sampled = LeaveOneOutEvaluator.evaluate(trainer.network().newScorer(), split,
                    LeaveOneOutEvaluator.Split.TEST, Protocol.SAMPLED_100, 10, 10_000, 1);
            assertEquals(Protocol.SAMPLED_100, sampled.protocol());
            assertTrue(sampled.hitRate() > 0.5, loss + ": " + sampled);
        }
    }

    @Test
    void earlyStoppingRestoresTheBestValidatedWeights() {
        LeaveOneOutSplit split = LeaveOneOutSplit.of(DATA);
        SasRecTrainer trainer = new SasRecTrainer(small().build(), DATA.numItems());
        List<Double> scores = new ArrayList<>();
        List<INDArray> snapshots = new ArrayList<>();
        double[] scripted = {0.1, 0.3, 0.2, 0.25, 0.15};
        List<EpochReport> reports = trainer.fit(TrainingSet.of(split), new FitOptions(10, 1, 2), null, net -> {
            snapshots.add(net.parameters());
            double s = scripted[scores.size()];
            scores.add(s);
            return s;
        });
        assertEquals(4, reports.size(), "should stop two validations after the best (epoch 2)");
        assertArrayEquals(snapshots.get(1).data().asFloat(), trainer.parameters().data().asFloat());
        assertEquals(0.3, reports.get(1).validationNdcg10(), 0.0);
    }

    @Test
    void longBatchesSplitIntoPassesGiveTheSameLossAndGradient() {
        SasRecConfig config = small().set("loss", Loss.CE).set("dropout", 0).set("l2Emb", 0.01).build();
        TrainingSet train = TrainingSet.of(LeaveOneOutSplit.of(DATA));
        int[][] seqs = java.util.Arrays.copyOf(train.sequences(), 40);
        int[][] seen = java.util.Arrays.copyOf(train.seen(), 40);
        SasRecTrainer whole = new SasRecTrainer(config, DATA.numItems());
        SasRecTrainer split = new SasRecTrainer(config, DATA.numItems()).maxPositionsPerPass(3 * config.maxLen());
        double lossWhole = whole.accumulate(seqs, seen);
        double lossSplit = split.accumulate(seqs, seen);
        assertEquals(lossWhole, lossSplit, 1e-5 * Math.abs(lossWhole));
        INDArray g1 = whole.gradientView();
        INDArray g2 = split.gradientView();
        double scale = g1.norm2Number().doubleValue();
        assertTrue(scale > 0);
        assertEquals(0.0, g1.sub(g2).norm2Number().doubleValue() / scale, 1e-4);
    }

    @Test
    void passesRunOnSeveralThreadsGiveTheSameWeightsAsOneAfterTheOther() {
        TrainingSet train = TrainingSet.of(LeaveOneOutSplit.of(DATA));
        float[][] weights = new float[2][];
        int[] threads = {1, 3};
        for (int run = 0; run < 2; run++) {
            // 8 users per pass: a batch of 64 takes 8 passes, run 3 at a time in the second trainer.
            SasRecTrainer trainer = new SasRecTrainer(small().build(), DATA.numItems())
                    .maxPositionsPerPass(8 * small().build().maxLen()).passThreads(threads[run]);
            trainer.trainEpoch(train);
            weights[run] = trainer.parameters().data().asFloat();
        }
        assertArrayEquals(weights[0], weights[1]);
    }

    @Test
    void progressLineNamesLossThroughputAndEta() {
        EpochReport r = new EpochReport(3, 0.51234, 210.4, 28.7, 86.0, 5600, 0.41);
        String line = r.progressLine(200);
        assertTrue(line.contains("epoch 3/200") && line.contains("loss 0.5123") && line.contains("210 seq/s")
                && line.contains("eta 1:33:20") && line.contains("valid NDCG@10 0.4100"), line);
    }
}
