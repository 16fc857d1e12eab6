package dev.sasrec.spark.recommend;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

import java.io.Serializable;

/**
 * The column and scoring params {@link SASRec} and {@link SASRecModel} share, as Spark's ALS and ALSModel share
 * theirs: names, documentation, valid values and defaults defined once. Each stage holds one set, created with
 * itself as owner, and exposes its params through accessor methods.
 */
final class ScoringParams implements Serializable {

    private static final long serialVersionUID = 1L;

    final Param<String> userCol;
    final Param<String> itemsCol;
    final Param<String> recommendationsCol;
    final IntParam k;
    final BooleanParam excludeSeen;
    final Param<String> coldStartStrategy;
    final Param<String> predictionCol;
    final Param<String> candidatesCol;
    final Param<String> candidateScoresCol;
    final IntParam scoringBatchSize;
    final Param<String> targetCol;
    final Param<String> fullRankCol;
    final Param<String> sampledRankCol;

    ScoringParams(Params o) {
        userCol = new Param<>(o, "userCol", "user id column, carried into the output; default user");
        itemsCol = new Param<>(o, "itemsCol",
                "the user's item indices in time order, array<int> (0s are ignored; see ItemIndexer); default itemIndex");
        recommendationsCol = new Param<>(o, "recommendationsCol",
                "output column: array<struct<item, score>> of the top k items in raw ids; default recommendations");
        k = new IntParam(o, "k", "number of recommendations per user (>= 1); default 10", ParamValidators.gtEq(1));
        excludeSeen = new BooleanParam(o, "excludeSeen", "leave the user's history out of the recommendations; default true");
        coldStartStrategy = new Param<>(o, "coldStartStrategy",
                "users with no usable history: drop (no output row) or popular (the most frequent items, with NaN scores); default drop",
                ParamValidators.inArray(new String[]{"drop", "popular"}));
        predictionCol = new Param<>(o, "predictionCol",
                "optional output column for RankingEvaluator: the top k item indices as array<double>; empty for none; default empty");
        candidatesCol = new Param<>(o, "candidatesCol",
                "optional input column of candidate item indices, array<int>, scored instead of the catalogue; empty for none; default empty");
        candidateScoresCol = new Param<>(o, "candidateScoresCol",
                "output column of the candidates' scores, array<float> in candidate order; default candidateScores");
        scoringBatchSize = new IntParam(o, "scoringBatchSize", "users scored together (>= 1); default 256",
                ParamValidators.gtEq(1));
        targetCol = new Param<>(o, "targetCol",
                "optional input column of each row's true next item index (int) for evaluation; adds fullRankCol and "
                        + "sampledRankCol; empty for none; default empty");
        fullRankCol = new Param<>(o, "fullRankCol",
                "output: 0-based rank of the target among all items, history excluded (full protocol); default fullRank");
        sampledRankCol = new Param<>(o, "sampledRankCol",
                "output: 0-based rank of the target among 100 items the user never interacted with (sampled protocol); "
                        + "default sampledRank");
        o.setDefault(targetCol, "");
        o.setDefault(fullRankCol, "fullRank");
        o.setDefault(sampledRankCol, "sampledRank");
        o.setDefault(userCol, "user");
        o.setDefault(itemsCol, "itemIndex");
        o.setDefault(recommendationsCol, "recommendations");
        o.setDefault(k, 10);
        o.setDefault(excludeSeen, true);
        o.setDefault(coldStartStrategy, "drop");
        o.setDefault(predictionCol, "");
        o.setDefault(candidatesCol, "");
        o.setDefault(candidateScoresCol, "candidateScores");
        o.setDefault(scoringBatchSize, 256);
    }
}
