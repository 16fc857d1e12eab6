package dev.sasrec.engine.score;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What ranking metrics need of a recommender: a score for every item, or for given candidates, after each history.
 * The model ({@link Scorer}) and the baselines it is compared with implement it, so both are ranked by the same
 * code under the same protocols.
 */
public interface ItemScoring {

    /** Scores of every item (column 0, the padding id, scores lowest) for each history: [B, N+1]. */
    INDArray scores(int[][] histories);

    /** Scores of the given candidates for each history: result[b][j] scores candidates[b][j]. */
    float[][] scoreCandidates(int[][] histories, int[][] candidates);
}
