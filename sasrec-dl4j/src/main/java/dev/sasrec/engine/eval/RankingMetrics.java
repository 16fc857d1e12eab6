package dev.sasrec.engine.eval;

import java.util.Locale;

/**
 * HR@K and NDCG@K of one evaluation.
 *
 * @param protocol the ranking protocol
 * @param split    {@code validation} or {@code test}
 * @param k        cut-off
 * @param ndcg     mean NDCG@K: 1/log2(rank + 2) when rank &lt; K (rank from 0), else 0
 * @param hitRate  share of users whose true item ranks in the top K
 * @param users    users evaluated
 */
public record RankingMetrics(Protocol protocol, String split, int k, double ndcg, double hitRate, int users) {

    /** For example {@code test full NDCG@10 0.1790 HR@10 0.3110 (6040 users)}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s NDCG@%d %.4f HR@%d %.4f (%d users)",
                split, protocol.label(), k, ndcg, k, hitRate, users);
    }
}
