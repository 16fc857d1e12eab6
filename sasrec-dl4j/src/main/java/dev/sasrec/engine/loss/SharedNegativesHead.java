package dev.sasrec.engine.loss;

import dev.sasrec.engine.internal.Blas;
import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.internal.HostArrays;
import dev.sasrec.engine.internal.ItemRowGradients;
import dev.sasrec.engine.internal.RowScatter;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The part the heads over tables of negatives have in common: {@code numNegatives} items drawn uniformly, either
 * once per pass and shared by all its positions, or once per history and shared by its positions, and scored
 * against the positions that share them with one matrix product; a negative equal to a position's target is left
 * out of that position's loss. A subclass says only how a position's loss follows from its target score and its
 * negatives' scores.
 */
abstract class SharedNegativesHead extends TargetScoringHead {

    /** Item-embedding rows of the negatives: [K, d] shared by the pass, or [B, K, d] one table per history. */
    static final String NEGATIVE_TABLE = "negative_table";
    /** {@link EncoderInputs#MASKED} where a negative equals the position's target, 0 elsewhere: [B*m, K] or [B, m, K]. */
    static final String HIT_BIAS = "hit_bias";

    private final int numNegatives;
    private final boolean perHistory;

    /**
     * @param perHistory whether each history draws its own table (true) or the pass shares one (false)
     */
    SharedNegativesHead(int numNegatives, boolean perHistory) {
        this.numNegatives = numNegatives;
        this.perHistory = perHistory;
    }

    /**
     * The pass's negatives, drawn from a catalogue of {@code numItems} items: one table for the whole pass, or one
     * per history of the pass.
     */
    record Table(int[][] items, int numItems, boolean perHistory) implements Draws {

        /** The negatives of the pass's history {@code history}. */
        int[] of(int history) {
            return items[perHistory ? history : 0];
        }
    }

    @Override
    public final Draws draw(int[][] targets, int[][] seen, int numItems, SplittableRandom sampler) {
        int[][] tables = new int[perHistory ? targets.length : 1][numNegatives];
        for (int[] table : tables) {
            for (int j = 0; j < numNegatives; j++) {
                table[j] = 1 + sampler.nextInt(numItems);
            }
        }
        return new Table(tables, numItems, perHistory);
    }

    @Override
    final SDVariable perPosition(SameDiff sd, SDVariable output, SDVariable positive, int d) {
        SDVariable negatives;
        if (perHistory) {
            // [B, m, d] x [B, K, d]^T: each history against its own table
            negatives = sd.mmul(output, sd.placeHolder(NEGATIVE_TABLE, DataType.FLOAT, -1, -1, d), false, true, false)
                    .add(sd.placeHolder(HIT_BIAS, DataType.FLOAT, -1, -1, -1)).reshape(-1, numNegatives);
        } else {
            negatives = sd.mmul(output.reshape(-1, d), sd.placeHolder(NEGATIVE_TABLE, DataType.FLOAT, -1, d), false,
                    true, false).add(sd.placeHolder(HIT_BIAS, DataType.FLOAT, -1, -1));
        }
        return perPosition(sd, positive.reshape(-1, 1), negatives).reshape(sd.shape(positive));
    }

    /**
     * The loss of every position [B*m] in a training graph from its target score {@code positive} [B*m, 1] and its
     * negatives' scores {@code negatives} [B*m, K], in which a negative equal to the target scores
     * {@link EncoderInputs#MASKED}.
     */
    abstract SDVariable perPosition(SameDiff sd, SDVariable positive, SDVariable negatives);

    @Override
    final void addNegatives(Map<String, INDArray> placeholders, int[][] targets, Draws draws, FloatBuffer itemTable, int d) {
        Table drawn = (Table) draws;
        int k = numNegatives;
        int batch = targets.length;
        int m = batch == 0 ? 0 : targets[0].length;
        float[] hit = new float[batch * m * k];
        for (int b = 0; b < batch; b++) {
            int[] table = drawn.of(b);
            for (int i = 0; i < m; i++) {
                int t = targets[b][i];
                for (int j = 0; j < k; j++) {
                    if (table[j] == t) {
                        hit[(b * m + i) * k + j] = EncoderInputs.MASKED;
                    }
                }
            }
        }
        if (perHistory) {
            placeholders.put(NEGATIVE_TABLE, EncoderInputs.gatherRows(itemTable, drawn.items(), 1f, d));
            placeholders.put(HIT_BIAS, HostArrays.of(hit, batch, m, k));
        } else {
            placeholders.put(NEGATIVE_TABLE, EncoderInputs.gatherRows(itemTable, drawn.items()[0], d));
            placeholders.put(HIT_BIAS, HostArrays.of(hit, (long) batch * m, k));
        }
        addHeadPlaceholders(placeholders, drawn);
    }

    /** Puts placeholders of the subclass's own; none by default. */
    void addHeadPlaceholders(Map<String, INDArray> placeholders, Table draws) {
    }

    @Override
    public final double lossOnRows(float[] out, int[][] targets, int firstHistory, Draws draws, FloatBuffer itemTable,
                                   int numItems, int d, float scale, float[] dOut, ItemRowGradients itemGrads, Blas blas) {
        Table drawn = (Table) draws;
        if (!perHistory) {
            int rows = 0;
            for (int[] t : targets) {
                rows += t.length;
            }
            return segment(out, 0, rows, targets, 0, targets.length, drawn.of(0), drawn, itemTable, d, scale, dOut,
                    itemGrads, blas);
        }
        double loss = 0;
        int row = 0;
        for (int u = 0; u < targets.length; u++) {
            loss += segment(out, row, targets[u].length, targets, u, u + 1, drawn.of(firstHistory + u), drawn,
                    itemTable, d, scale, dOut, itemGrads, blas);
            row += targets[u].length;
        }
        return loss;
    }

    /**
     * The loss of the rows {@code [firstRow, firstRow + rows)}, those of histories {@code [fromHistory, toHistory)}
     * of {@code targets}, against one {@code table} of negatives, with its gradients.
     */
    private double segment(float[] out, int firstRow, int rows, int[][] targets, int fromHistory, int toHistory,
                           int[] table, Table drawn, FloatBuffer itemTable, int d, float scale, float[] dOut,
                           ItemRowGradients itemGrads, Blas blas) {
        int k = table.length;
        float[] negatives = new float[k * d];
        for (int j = 0; j < k; j++) {
            itemTable.get(table[j] * d, negatives, j * d, d);
        }
        int base = firstRow * d;
        float[] logits = new float[rows * k];
        blas.gemm(false, true, rows, k, d, 1f, out, base, d, negatives, 0, d, 0f, logits, 0, k);
        float[] targetRow = new float[d];
        float[] positiveGradient = new float[1];
        double loss = 0;
        int row = 0;
        for (int u = fromHistory; u < toHistory; u++) {
            for (int target : targets[u]) {
                int at = base + row * d;
                int lo = row * k;
                row++;
                if (target == 0) {
                    Arrays.fill(dOut, at, at + d, 0f);
                    Arrays.fill(logits, lo, lo + k, 0f);
                    continue;
                }
                itemTable.get(target * d, targetRow, 0, d);
                float positive = 0;
                for (int j = 0; j < d; j++) {
                    positive += out[at + j] * targetRow[j];
                }
                loss += rowLoss(positive, logits, lo, table, target, drawn, scale, positiveGradient);
                float gp = positiveGradient[0];
                for (int j = 0; j < d; j++) {
                    dOut[at + j] = gp * targetRow[j];
                }
                itemGrads.add(target, out, at, gp);
            }
        }
        blas.gemm(false, false, rows, d, k, 1f, logits, 0, k, negatives, 0, d, 1f, dOut, base, d);
        float[] negativeGrads = new float[k * d];
        blas.gemm(true, false, k, d, rows, 1f, logits, 0, k, out, base, d, 0f, negativeGrads, 0, d);
        for (int j = 0; j < k; j++) {
            itemGrads.add(table[j], negativeGrads, j * d, 1f);
        }
        return loss;
    }

    /**
     * One position's loss from its target score and its negatives' scores {@code logits[offset .. offset + K)},
     * leaving out the negatives equal to {@code target}. Overwrites those scores with {@code scale} times the loss's
     * derivatives by them (0 for the left-out ones) and puts {@code scale} times its derivative by the target score
     * into {@code positiveGradient[0]}.
     */
    abstract double rowLoss(float positive, float[] logits, int offset, int[] table, int target, Table draws,
                            float scale, float[] positiveGradient);

    @Override
    public final List<String> rowInputs() {
        return List.of(TARGET_EMB, NEGATIVE_TABLE);
    }

    @Override
    final void scatterNegatives(float[] itemGradient, Map<String, INDArray> gradients, Draws draws, int d) {
        RowScatter.scatter(itemGradient, HostArrays.floats(gradients.get(NEGATIVE_TABLE)), ((Table) draws).items(), 1f, d);
    }

    /** A position's scores against the table (and, in the graph, the hit mask beside them). */
    @Override
    public final long extraBytesPerPosition(int numItems) {
        return 8L * numNegatives;
    }
}
