package dev.sasrec.spark.evaluation;

import dev.sasrec.spark.params.DefaultedParams;
import dev.sasrec.spark.schema.Columns;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log2;
import static org.apache.spark.sql.functions.when;

/**
 * HR@K and NDCG@K of next-item prediction under the two leave-one-out protocols, computed as distributed
 * aggregations over the rank columns a {@code SASRecModel} adds when its {@code targetCol} is set. The protocol is
 * part of the metric name, so numbers from the two are never mixed: {@code full_ndcg}, {@code full_hr},
 * {@code sampled_ndcg}, {@code sampled_hr}. Rows without a rank (no target) are left out.
 */
public final class SequentialRankingEvaluator extends Evaluator implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;
    private static final String[] METRICS = {"full_ndcg", "full_hr", "sampled_ndcg", "sampled_hr"};

    private final String uid;

    /** An evaluator with a random uid. */
    public SequentialRankingEvaluator() {
        this(Identifiable$.MODULE$.randomUID("sequentialRankingEvaluator"));
    }

    /** An evaluator with the given uid. */
    public SequentialRankingEvaluator(String uid) {
        this.uid = uid;
        DefaultedParams.initialise(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return metric name param */
    public Param<String> metricName() {
        return DefaultedParams.choice(this, "metricName",
                "metric: full_ndcg, full_hr (every item ranked, history excluded) or sampled_ndcg, "
                        + "sampled_hr (against 100 sampled negatives, the paper's protocol)", "full_ndcg", METRICS);
    }
    /** @return metric name */
    public String getMetricName() { return getOrDefault(metricName()); }
    /** @param v metric name */
    public SequentialRankingEvaluator setMetricName(String v) { set(metricName(), v); return this; }

    /** @return cut-off K param */
    public IntParam k() { return DefaultedParams.atLeast(this, "k", "cut-off K", 10, 1); }
    /** @return cut-off K */
    public int getK() { return (Integer) getOrDefault(k()); }
    /** @param v cut-off K */
    public SequentialRankingEvaluator setK(int v) { set(k(), v); return this; }

    /** @return full-protocol rank column param */
    public Param<String> fullRankCol() {
        return DefaultedParams.string(this, "fullRankCol",
                "0-based full-protocol rank column", "fullRank");
    }
    /** @return full-protocol rank column */
    public String getFullRankCol() { return getOrDefault(fullRankCol()); }
    /** @param v full-protocol rank column */
    public SequentialRankingEvaluator setFullRankCol(String v) { set(fullRankCol(), v); return this; }

    /** @return sampled-protocol rank column param */
    public Param<String> sampledRankCol() {
        return DefaultedParams.string(this, "sampledRankCol",
                "0-based sampled-protocol rank column", "sampledRank");
    }
    /** @return sampled-protocol rank column */
    public String getSampledRankCol() { return getOrDefault(sampledRankCol()); }
    /** @param v sampled-protocol rank column */
    public SequentialRankingEvaluator setSampledRankCol(String v) { set(sampledRankCol(), v); return this; }

    @Override
    public double evaluate(Dataset<?> dataset) {
        Columns.existing(dataset.schema(), getMetricName().startsWith("full") ? getFullRankCol() : getSampledRankCol());
        return evaluateAll(dataset).get(getMetricName() + "@" + getK());
    }

    /**
     * All metrics in one pass over the data, keyed like {@code full_ndcg@10}, with the users counted per protocol
     * ({@code full_users}); protocols whose rank column is missing are left out.
     */
    public Map<String, Double> evaluateAll(Dataset<?> dataset) {
        int cut = getK();
        Map<String, Column> aggregates = new LinkedHashMap<>();
        for (String protocol : new String[]{"full", "sampled"}) {
            String column = protocol.equals("full") ? getFullRankCol() : getSampledRankCol();
            if (!java.util.Arrays.asList(dataset.schema().fieldNames()).contains(column)) {
                continue;
            }
            Column rank = col(column);
            Column inTop = rank.lt(cut);
            aggregates.put(protocol + "_ndcg@" + cut, avg(when(rank.isNull(), lit(null))
                    .when(inTop, lit(1.0).divide(log2(rank.plus(2)))).otherwise(lit(0.0))));
            aggregates.put(protocol + "_hr@" + cut, avg(when(rank.isNull(), lit(null))
                    .when(inTop, lit(1.0)).otherwise(lit(0.0))));
            aggregates.put(protocol + "_users", count(rank));
        }
        if (aggregates.isEmpty()) {
            throw new IllegalArgumentException("neither rank column " + getFullRankCol() + " nor " + getSampledRankCol()
                    + " exists; set targetCol on the SASRecModel to add them");
        }
        Row r = dataset.agg(aggregates.values().iterator().next(),
                aggregates.values().stream().skip(1).toArray(Column[]::new)).first();
        Map<String, Double> out = new LinkedHashMap<>();
        int i = 0;
        for (String name : aggregates.keySet()) {
            out.put(name, r.isNullAt(i) ? Double.NaN : ((Number) r.get(i)).doubleValue());
            i++;
        }
        return out;
    }

    @Override
    public boolean isLargerBetter() {
        return true;
    }

    @Override
    public SequentialRankingEvaluator copy(ParamMap extra) { return defaultCopy(extra); }

    /** Reader of saved evaluators ({@code Pipeline} loading calls it). */
    public static MLReader<SequentialRankingEvaluator> read() { return new DefaultParamsReader<>(); }
    /** Loads an evaluator saved with {@code write()}. */
    public static SequentialRankingEvaluator load(String path) { return read().load(path); }
}
