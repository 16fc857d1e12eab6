package dev.sasrec.spark.recommend;

import dev.sasrec.spark.params.DefaultedParams;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The column and scoring params {@link SASRec} and {@link SASRecModel} share, as Spark's ALS and ALSModel share
 * theirs: each defined once, with its documentation, valid values and default, a getter and a setter.
 *
 * @param <S> the stage type setters return
 */
public interface ScoringParams<S extends ScoringParams<S>> extends Params {

    /** @return user id column param */
    default Param<String> userCol() {
        return DefaultedParams.string(this, "userCol",
                "user id column, carried into the output", "user");
    }
    /** @return user id column */
    default String getUserCol() { return getOrDefault(userCol()); }
    /** @param v user id column */
    default S setUserCol(String v) { return DefaultedParams.set(this, userCol(), v); }
    /** @return item-index history column param */
    default Param<String> itemsCol() {
        return DefaultedParams.string(this, "itemsCol",
                "the user's item indices in time order, array<int> (0s are ignored; see ItemIndexer)", "itemIndex");
    }
    /** @return item-index history column */
    default String getItemsCol() { return getOrDefault(itemsCol()); }
    /** @param v item-index history column */
    default S setItemsCol(String v) { return DefaultedParams.set(this, itemsCol(), v); }
    /** @return recommendations column param */
    default Param<String> recommendationsCol() {
        return DefaultedParams.string(this, "recommendationsCol",
                "output column: array<struct<item, score>> of the top k items in raw ids", "recommendations");
    }
    /** @return recommendations column */
    default String getRecommendationsCol() { return getOrDefault(recommendationsCol()); }
    /** @param v recommendations column */
    default S setRecommendationsCol(String v) { return DefaultedParams.set(this, recommendationsCol(), v); }
    /** @return number of recommendations per user param */
    default IntParam k() {
        return DefaultedParams.atLeast(this, "k",
                "number of recommendations per user", 10, 1);
    }
    /** @return number of recommendations per user */
    default int getK() { return (Integer) getOrDefault(k()); }
    /** @param v number of recommendations per user */
    default S setK(int v) { return DefaultedParams.set(this, k(), v); }
    /** @return whether the history is left out of the recommendations param */
    default BooleanParam excludeSeen() {
        return DefaultedParams.flag(this, "excludeSeen", "leave the user's history out of the recommendations", true);
    }
    /** @return whether the history is left out of the recommendations */
    default boolean getExcludeSeen() { return (Boolean) getOrDefault(excludeSeen()); }
    /** @param v whether the history is left out of the recommendations */
    default S setExcludeSeen(boolean v) { return DefaultedParams.set(this, excludeSeen(), v); }
    /** @return cold-start strategy: drop or popular param */
    default Param<String> coldStartStrategy() {
        return DefaultedParams.choice(this, "coldStartStrategy",
                "users with no usable history: drop (no output row) or popular (the most frequent items, with NaN scores)", "drop", "drop", "popular");
    }
    /** @return cold-start strategy: drop or popular */
    default String getColdStartStrategy() { return getOrDefault(coldStartStrategy()); }
    /** @param v cold-start strategy: drop or popular */
    default S setColdStartStrategy(String v) { return DefaultedParams.set(this, coldStartStrategy(), v); }
    /** @return ranking prediction column, empty for none param */
    default Param<String> predictionCol() {
        return DefaultedParams.string(this, "predictionCol",
                "optional output column for RankingEvaluator: the top k item indices as array<double>; empty for none", "");
    }
    /** @return ranking prediction column, empty for none */
    default String getPredictionCol() { return getOrDefault(predictionCol()); }
    /** @param v ranking prediction column, empty for none */
    default S setPredictionCol(String v) { return DefaultedParams.set(this, predictionCol(), v); }
    /** @return candidates column, empty for none param */
    default Param<String> candidatesCol() {
        return DefaultedParams.string(this, "candidatesCol",
                "optional input column of candidate item indices, array<int>, scored instead of the catalogue; empty for none", "");
    }
    /** @return candidates column, empty for none */
    default String getCandidatesCol() { return getOrDefault(candidatesCol()); }
    /** @param v candidates column, empty for none */
    default S setCandidatesCol(String v) { return DefaultedParams.set(this, candidatesCol(), v); }
    /** @return candidate scores column param */
    default Param<String> candidateScoresCol() {
        return DefaultedParams.string(this, "candidateScoresCol",
                "output column of the candidates' scores, array<float> in candidate order", "candidateScores");
    }
    /** @return candidate scores column */
    default String getCandidateScoresCol() { return getOrDefault(candidateScoresCol()); }
    /** @param v candidate scores column */
    default S setCandidateScoresCol(String v) { return DefaultedParams.set(this, candidateScoresCol(), v); }
    /** @return exploration temperature param */
    default DoubleParam explorationTemperature() {
        return DefaultedParams.atLeast(this, "explorationTemperature",
                "T >= 0: draw the k items without replacement from softmax(score / T) over the allowed items (Gumbel "
                        + "top-K) instead of taking the top k, seeded per (model seed, user, event time); each "
                        + "recommendation then carries its propensity. 0 is the deterministic top k", 0.0, 0.0);
    }
    /** @return exploration temperature */
    default double getExplorationTemperature() { return (Double) getOrDefault(explorationTemperature()); }
    /** @param v exploration temperature */
    default S setExplorationTemperature(double v) { return DefaultedParams.set(this, explorationTemperature(), v); }
    /** @return event time column, empty for none param */
    default Param<String> eventTimeCol() {
        return DefaultedParams.string(this, "eventTimeCol",
                "optional input column (timestamp or long) of the event time that, with the user, seeds exploration's "
                        + "draw; empty: time 0", "");
    }
    /** @return event time column, empty for none */
    default String getEventTimeCol() { return getOrDefault(eventTimeCol()); }
    /** @param v event time column, empty for none */
    default S setEventTimeCol(String v) { return DefaultedParams.set(this, eventTimeCol(), v); }
    /** @return users scored together param */
    default IntParam scoringBatchSize() {
        return DefaultedParams.atLeast(this, "scoringBatchSize",
                "users scored together", 256, 1);
    }
    /** @return users scored together */
    default int getScoringBatchSize() { return (Integer) getOrDefault(scoringBatchSize()); }
    /** @param v users scored together */
    default S setScoringBatchSize(int v) { return DefaultedParams.set(this, scoringBatchSize(), v); }
    /** @return evaluation target column, empty for none param */
    default Param<String> targetCol() {
        return DefaultedParams.string(this, "targetCol",
                "optional input column of each row's true next item index (int) for evaluation; adds fullRankCol and "
                        + "sampledRankCol; empty for none", "");
    }
    /** @return evaluation target column, empty for none */
    default String getTargetCol() { return getOrDefault(targetCol()); }
    /** @param v evaluation target column, empty for none */
    default S setTargetCol(String v) { return DefaultedParams.set(this, targetCol(), v); }
    /** @return full-protocol rank column param */
    default Param<String> fullRankCol() {
        return DefaultedParams.string(this, "fullRankCol",
                "output: 0-based rank of the target among all items, history excluded (full protocol)", "fullRank");
    }
    /** @return full-protocol rank column */
    default String getFullRankCol() { return getOrDefault(fullRankCol()); }
    /** @param v full-protocol rank column */
    default S setFullRankCol(String v) { return DefaultedParams.set(this, fullRankCol(), v); }
    /** @return sampled-protocol rank column param */
    default Param<String> sampledRankCol() {
        return DefaultedParams.string(this, "sampledRankCol",
                "output: 0-based rank of the target among 100 items the user never interacted with (sampled protocol)", "sampledRank");
    }
    /** @return sampled-protocol rank column */
    default String getSampledRankCol() { return getOrDefault(sampledRankCol()); }
    /** @param v sampled-protocol rank column */
    default S setSampledRankCol(String v) { return DefaultedParams.set(this, sampledRankCol(), v); }
}
