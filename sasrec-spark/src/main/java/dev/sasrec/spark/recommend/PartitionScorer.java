package dev.sasrec.spark.recommend;

import dev.sasrec.engine.eval.Ranks;
import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.score.GumbelTopK;
import dev.sasrec.engine.score.Scorer;
import dev.sasrec.engine.score.TopK;
import dev.sasrec.spark.index.ItemVocabulary;
import dev.sasrec.spark.internal.RefillingIterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Scores one partition in batches: each input row gets its top-k recommendations (raw ids and scores), and
 * optionally the top-k indices as doubles and the scores of its candidates. Rows whose history has no usable item
 * follow the cold-start strategy. With exploration on, each row's items are drawn (see {@link Exploration}) and carry
 * their propensities. Rows are read and scored a batch at a time and come out in input order, each batch as soon as
 * it is scored. Only one batch of scores exists at a time. Each task scores on its own scorer
 * with as many native threads as it has cores.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;
    /** Scorers per network, one per concurrent task of the executor. */
    private static final JvmPool<Scorer> SCORERS = new JvmPool<>(4);
    /** What to compute, fixed per transform call. */
    record Plan(int itemsIndex, int candidatesIndex, int targetIndex, int k, boolean excludeSeen,
                boolean popularForColdStart, boolean prediction, int batchSize, String itemsCol, String candidatesCol,
                String targetCol, long seed, Exploration exploration) implements java.io.Serializable { }

    /**
     * Exploration's settings: the temperature (0: top-k, no propensities) and the columns that seed each row's draw,
     * -1 where absent (no user column: the history seeds it; no time column: time 0).
     */
    record Exploration(double temperature, int userIndex, int timeIndex) implements java.io.Serializable {
        boolean on() {
            return temperature > 0;
        }
    }

    private final Broadcast<NetworkState> network;
    private final ItemVocabulary vocabulary;
    private final Plan plan;

    PartitionScorer(Broadcast<NetworkState> network, ItemVocabulary vocabulary, Plan plan) {
        this.network = network;
        this.vocabulary = vocabulary;
        this.plan = plan;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        TaskContext task = TaskContext.get();
        NativeThreads.set(task == null ? 1 : Math.max(1, task.cpus()));
        return new RefillingIterator<>(input::hasNext, ready -> scoreNextBatch(input, ready));
    }

    /**
     * Reads up to one batch of rows, scores those with a usable history together and appends the output rows in
     * input order, so each batch's rows leave the partition as soon as they are scored (a stream's sink sees its
     * first users before the last are read). The encoder computes every history over its own positions, so a batch
     * of mixed lengths costs what its histories cost apart.
     */
    private void scoreNextBatch(Iterator<Row> input, List<Row> out) {
        int numItems = network.value().numItems();
        List<Row> rows = new ArrayList<>(plan.batchSize());
        List<Row> usable = new ArrayList<>(plan.batchSize());
        List<int[]> histories = new ArrayList<>(plan.batchSize());
        boolean[] hasHistory = new boolean[plan.batchSize()];
        while (rows.size() < plan.batchSize() && input.hasNext()) {
            Row r = input.next();
            int[] h = history(r, numItems);
            if (h.length > 0) {
                hasHistory[rows.size()] = true;
                usable.add(r);
                histories.add(h);
            }
            rows.add(r);
        }
        Row[] scored = new Row[0];
        if (!usable.isEmpty()) {
            NetworkState state = network.value();
            Scorer scorer = SCORERS.borrow(state.key(), () -> state.network().newScorer());
            try {
                scored = scoreBatch(scorer, usable, histories.toArray(new int[0][]), numItems);
            } finally {
                SCORERS.giveBack(state.key(), scorer);
            }
        }
        int next = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (hasHistory[i]) {
                out.add(scored[next++]);
            } else if (plan.popularForColdStart()) {
                out.add(popular(rows.get(i), numItems));
            }
        }
    }

    /** The output rows of one batch of rows with non-empty histories {@code hs}. */
    private Row[] scoreBatch(Scorer scorer, List<Row> rows, int[][] hs, int numItems) {
        int[][] items = new int[hs.length][];
        float[][] scores = new float[hs.length][];
        double[][] propensities = null;
        if (plan.exploration().on()) {
            long[] seeds = new long[hs.length];
            for (int i = 0; i < seeds.length; i++) {
                seeds[i] = drawSeed(rows.get(i), hs[i]);
            }
            GumbelTopK.Draw[] draws = scorer.explore(hs, plan.k(), plan.excludeSeen(), plan.exploration().temperature(), seeds);
            propensities = new double[hs.length][];
            for (int i = 0; i < hs.length; i++) {
                items[i] = draws[i].items();
                scores[i] = draws[i].scores();
                propensities[i] = draws[i].propensities();
            }
        } else {
            TopK top = scorer.recommend(hs, plan.k(), plan.excludeSeen());
            items = top.items();
            scores = top.scores();
        }
        float[][] candidateScores = plan.candidatesIndex() >= 0 ? scorer.scoreCandidates(hs, candidates(rows, numItems)) : null;
        Integer[][] ranks = plan.targetIndex() >= 0 ? ranks(scorer, rows, hs, numItems) : null;
        Row[] out = new Row[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = output(rows.get(i), items[i], scores[i], propensities == null ? null : propensities[i],
                    candidateScores == null ? null : candidateScores[i], ranks == null ? null : ranks[i]);
        }
        return out;
    }

    /** The exploration seed of a row: the model's seed, the user (or the history) and the event time. */
    private long drawSeed(Row r, int[] history) {
        Exploration e = plan.exploration();
        Object user = e.userIndex() >= 0 && !r.isNullAt(e.userIndex()) ? r.get(e.userIndex()) : (long) Arrays.hashCode(history);
        return DrawSeeds.of(plan.seed(), user, e.timeIndex() >= 0 ? r.get(e.timeIndex()) : null);
    }

    /** The cold-start output of a row: the most frequent items, with NaN scores. */
    private Row popular(Row r, int numItems) {
        int[] popular = new int[Math.min(plan.k(), numItems)];
        float[] scores = new float[popular.length];
        for (int i = 0; i < popular.length; i++) {
            popular[i] = i + 1;     // indices are assigned by descending frequency
            scores[i] = Float.NaN;
        }
        double[] propensities = new double[popular.length];
        Arrays.fill(propensities, 1.0);
        return output(r, popular, scores, plan.exploration().on() ? propensities : null, null, new Integer[]{null, null});
    }

    private int[] history(Row r, int numItems) {
        if (r.isNullAt(plan.itemsIndex())) {
            return new int[0];
        }
        List<Integer> items = r.getList(plan.itemsIndex());
        int[] h = new int[items.size()];
        int n = 0;
        for (Integer item : items) {
            if (item == null || item == 0) {
                continue;
            }
            if (item < 0 || item > numItems) {
                throw new IllegalArgumentException("column " + plan.itemsCol() + ": item index " + item
                        + " is outside the model's catalogue 1.." + numItems + "; index items with the ItemIndexerModel the model was trained with");
            }
            h[n++] = item;
        }
        return Arrays.copyOf(h, n);
    }

    private int[][] candidates(List<Row> rows, int numItems) {
        int[][] c = new int[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            List<Integer> list = r.isNullAt(plan.candidatesIndex()) ? List.of() : r.getList(plan.candidatesIndex());
            c[i] = new int[list.size()];
            for (int j = 0; j < list.size(); j++) {
                Integer item = list.get(j);
                if (item == null || item < 1 || item > numItems) {
                    throw new IllegalArgumentException("column " + plan.candidatesCol() + ": candidate " + item
                            + " is outside the model's catalogue 1.." + numItems);
                }
                c[i][j] = item;
            }
        }
        return c;
    }

    /**
     * Full and sampled rank of each row's target (null where the row has none); sampled negatives are drawn from
     * a seed derived from the row's history and target, so they do not depend on partitioning.
     */
    private Integer[][] ranks(Scorer scorer, List<Row> rows, int[][] hs, int numItems) {
        Integer[][] out = new Integer[rows.size()][2];
        List<Integer> withTarget = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (!rows.get(i).isNullAt(plan.targetIndex())) {
                int t = rows.get(i).getInt(plan.targetIndex());
                if (t < 1 || t > numItems) {
                    throw new IllegalArgumentException("column " + plan.targetCol() + ": target " + t
                            + " is outside the model's catalogue 1.." + numItems);
                }
                withTarget.add(i);
            }
        }
        if (withTarget.isEmpty()) {
            return out;
        }
        int[][] h = new int[withTarget.size()][];
        int[] targets = new int[withTarget.size()];
        int[][] negatives = new int[withTarget.size()][];
        for (int j = 0; j < h.length; j++) {
            int i = withTarget.get(j);
            h[j] = hs[i];
            targets[j] = rows.get(i).getInt(plan.targetIndex());
            negatives[j] = Ranks.negativesFor(plan.seed(), h[j], targets[j], numItems);
        }
        int[] full = Ranks.full(scorer, h, targets);
        int[] sampled = Ranks.sampled(scorer, h, targets, negatives);
        for (int j = 0; j < h.length; j++) {
            out[withTarget.get(j)] = new Integer[]{full[j], sampled[j]};
        }
        return out;
    }

    private Row output(Row in, int[] items, float[] scores, double[] propensities, float[] candidateScores, Integer[] ranks) {
        List<Object> values = new ArrayList<>(in.size() + 3);
        for (int i = 0; i < in.size(); i++) {
            values.add(in.get(i));
        }
        Row[] recs = new Row[items.length];
        for (int i = 0; i < items.length; i++) {
            Object item = vocabulary == null ? (Object) items[i] : vocabulary.itemOf(items[i]);
            recs[i] = propensities == null ? RowFactory.create(item, scores[i]) : RowFactory.create(item, scores[i], propensities[i]);
        }
        values.add(recs);
        if (plan.prediction()) {
            double[] asDoubles = new double[items.length];
            for (int i = 0; i < items.length; i++) {
                asDoubles[i] = items[i];
            }
            values.add(asDoubles);
        }
        if (plan.candidatesIndex() >= 0) {
            values.add(candidateScores);
        }
        if (plan.targetIndex() >= 0) {
            values.add(ranks[0]);
            values.add(ranks[1]);
        }
        return RowFactory.create(values.toArray());
    }
}
