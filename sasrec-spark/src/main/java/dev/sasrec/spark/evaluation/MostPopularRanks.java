package dev.sasrec.spark.evaluation;

import dev.sasrec.engine.eval.MostPopular;
import dev.sasrec.engine.eval.Ranks;
import dev.sasrec.spark.internal.RefillingIterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

/**
 * Ranks of each row's target under the most-popular baseline ({@link MostPopular}: items scored by how often they
 * occur in the ranked rows' histories), in the rank columns {@link SequentialRankingEvaluator} reads
 * ({@code fullRank}, {@code sampledRank}). The protocols are the model's: the history excluded under the full
 * protocol, and under the sampled protocol the same 100 negatives a {@code SASRecModel} of the same seed draws
 * for the row. Rows without a target get null ranks.
 */
public final class MostPopularRanks {

    /** Rows ranked per batch. */
    private static final int BATCH = 256;

    private MostPopularRanks() {
    }

    /**
     * {@code rows} with {@code fullRank} and {@code sampledRank} added.
     *
     * @param itemsCol  indexed history (0 is padding and skipped), the items counted for popularity
     * @param targetCol indexed true next item, or null
     * @param numItems  size of the catalogue the indices come from
     * @param seed      the sampled protocol's seed (a model's {@code seed}, to rank against the same negatives)
     */
    public static Dataset<Row> rank(Dataset<Row> rows, String itemsCol, String targetCol, int numItems, long seed) {
        long[] counts = new long[numItems + 1];
        for (Row r : rows.select(explode(col(itemsCol)).as("item")).filter(col("item").gt(0)).groupBy("item").count()
                .collectAsList()) {
            int item = r.getInt(0);
            if (item > numItems) {
                throw new IllegalArgumentException("column " + itemsCol + ": item index " + item
                        + " is outside the catalogue 1.." + numItems);
            }
            counts[item] = r.getLong(1);
        }
        Broadcast<MostPopular> baseline = rows.sparkSession().sparkContext().broadcast(MostPopular.fromCounts(counts),
                scala.reflect.ClassTag$.MODULE$.apply(MostPopular.class));
        StructType schema = rows.schema()
                .add(DataTypes.createStructField("fullRank", DataTypes.IntegerType, true))
                .add(DataTypes.createStructField("sampledRank", DataTypes.IntegerType, true));
        int items = rows.schema().fieldIndex(itemsCol);
        int target = rows.schema().fieldIndex(targetCol);
        MapPartitionsFunction<Row, Row> rank = it -> ranked(it, baseline.value(), items, target, targetCol, seed);
        return rows.mapPartitions(rank, Encoders.row(schema));
    }

    /** The rows of {@code in} with their ranks, a batch at a time. */
    private static Iterator<Row> ranked(Iterator<Row> in, MostPopular baseline, int itemsIndex, int targetIndex,
                                        String targetCol, long seed) {
        return new RefillingIterator<>(in::hasNext, ready -> {
            List<Row> batch = new ArrayList<>(BATCH);
            while (batch.size() < BATCH && in.hasNext()) {
                batch.add(in.next());
            }
            rankBatch(batch, baseline, itemsIndex, targetIndex, targetCol, seed, ready);
        });
    }

    private static void rankBatch(List<Row> batch, MostPopular baseline, int itemsIndex, int targetIndex,
                                  String targetCol, long seed, List<Row> out) {
        List<int[]> histories = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        for (Row r : batch) {
            if (r.isNullAt(targetIndex)) {
                continue;
            }
            int t = r.getInt(targetIndex);
            if (t < 1 || t > baseline.numItems()) {
                throw new IllegalArgumentException("column " + targetCol + ": target " + t
                        + " is outside the catalogue 1.." + baseline.numItems());
            }
            histories.add(r.isNullAt(itemsIndex) ? new int[0]
                    : r.<Integer>getList(itemsIndex).stream().filter(i -> i != null && i > 0).mapToInt(i -> i).toArray());
            targets.add(t);
        }
        int[][] h = histories.toArray(new int[0][]);
        int[] t = targets.stream().mapToInt(i -> i).toArray();
        int[][] negatives = new int[h.length][];
        for (int j = 0; j < h.length; j++) {
            negatives[j] = Ranks.negativesFor(seed, h[j], t[j], baseline.numItems());
        }
        int[] full = h.length == 0 ? new int[0] : Ranks.full(baseline, h, t);
        int[] sampled = h.length == 0 ? new int[0] : Ranks.sampled(baseline, h, t, negatives);
        int j = 0;
        for (Row r : batch) {
            Object[] values = new Object[r.size() + 2];
            for (int i = 0; i < r.size(); i++) {
                values[i] = r.get(i);
            }
            if (!r.isNullAt(targetIndex)) {
                values[r.size()] = full[j];
                values[r.size() + 1] = sampled[j];
                j++;
            }
            out.add(RowFactory.create(values));
        }
    }
}
