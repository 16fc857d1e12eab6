package dev.sasrec.bench;

import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.eval.LeaveOneOutEvaluator;
import dev.sasrec.engine.eval.MostPopular;
import dev.sasrec.engine.eval.Protocol;
import dev.sasrec.engine.eval.RankingMetrics;
import dev.sasrec.engine.score.ItemScoring;

/** How the engine benchmarks evaluate: NDCG@10 and HR@10 under both protocols, and the most-popular baseline. */
final class BothProtocols {

    private BothProtocols() {
    }

    /** The sampled, then the full protocol's NDCG@10 and HR@10 of {@code users} users (0: all) of one split. */
    static RankingMetrics[] evaluate(ItemScoring scorer, LeaveOneOutSplit split, LeaveOneOutEvaluator.Split which,
                                     int users, long seed) {
        return new RankingMetrics[]{
                LeaveOneOutEvaluator.evaluate(scorer, split, which, Protocol.SAMPLED_100, 10, users, seed),
                LeaveOneOutEvaluator.evaluate(scorer, split, which, Protocol.FULL, 10, users, seed)};
    }

    /** The most-popular baseline, its counts taken over the test inputs (every item a user had before the last). */
    static MostPopular popular(LeaveOneOutSplit split) {
        int[][] testInputs = new int[split.numUsers()][];
        for (int u = 0; u < testInputs.length; u++) {
            testInputs[u] = split.testInput(u);
        }
        return MostPopular.of(testInputs, split.numItems());
    }
}
