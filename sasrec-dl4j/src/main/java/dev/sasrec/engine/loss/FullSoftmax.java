package dev.sasrec.engine.loss;

import dev.sasrec.engine.internal.Blas;
import dev.sasrec.engine.internal.Exponentials;
import dev.sasrec.engine.internal.ItemRowGradients;
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
 * The full softmax cross-entropy head, computed with BLAS products outside any graph: three matrix products and
 * one [positions x items] buffer per thread, kept from pass to pass.
 *
 * <p>For encoder outputs H (one row per position that has a target) and the item table M without its padding
 * row, the loss is the mean over rows of logSumExp(H M^T) - h . m_target, and its gradients are
 * dL/dH = (P - Y) M / R and dL/dM = (P - Y)^T H / R, with P the row-wise softmax, Y the one-hot targets and R
 * the number of rows. In a SameDiff training graph the head stands as the surrogate sum(F * dL/dF). Stateless
 * apart from each thread's buffers.
 */
final class FullSoftmax implements LossHead {

    /** The full softmax draws nothing. */
    private static final Draws NOTHING = new Draws() { };

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    @Override
    public Draws draw(int[][] targets, int[][] seen, int numItems, SplittableRandom sampler) {
        return NOTHING;
    }

    @Override
    public void addToGraph(SameDiff sd, SDVariable output, int d) {
        SDVariable surrogate = output.mul(sd.placeHolder(OUTPUT_GRADIENT, DataType.FLOAT, -1, -1, d)).sum();
        sd.identity(LOSS, surrogate).markAsLoss();
    }

    @Override
    public void addPlaceholders(Map<String, INDArray> placeholders, int[][] targets, Draws draws, FloatBuffer itemTable, int d) {
    }

    @Override
    public List<String> rowInputs() {
        return List.of();
    }

    @Override
    public boolean computedOutsideGraph() {
        return true;
    }

    @Override
    public void scatter(float[] itemGradient, Map<String, INDArray> gradients, int[][] targets, Draws draws, int d) {
    }

    /** Measured: 12 bytes per catalogue item, for the logits of a position and their gradient (docs/RELIABILITY.md). */
    @Override
    public long extraBytesPerPosition(int numItems) {
        return 12L * numItems;
    }

    @Override
    public double lossOnRows(float[] out, int[][] targets, int firstHistory, Draws draws, FloatBuffer itemTable,
                             int numItems, int d, float scale, float[] dOut, ItemRowGradients itemGrads, Blas blas) {
        int rows = 0;
        for (int[] t : targets) {
            rows += t.length;
        }
        Scratch scratch = SCRATCH.get();
        float[] logits = scratch.logits(rows * numItems);
        // H M^T with M the table without its padding row, read in place
        blas.gemmNativeB(false, true, rows, numItems, d, 1f, out, 0, d, itemTable, d, d, 0f, logits, 0, numItems);
        double loss = 0;
        int row = 0;
        for (int[] t : targets) {
            for (int target : t) {
                int lo = row * numItems;
                row++;
                if (target == 0) {
                    Arrays.fill(logits, lo, lo + numItems, 0f);
                    continue;
                }
                float targetLogit = logits[lo + target - 1];
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < numItems; j++) {
                    max = Math.max(max, logits[lo + j]);
                }
                double sum = Exponentials.expMinus(logits, lo, lo + numItems, max);
                loss += Math.log(sum) + max - targetLogit;
                float norm = (float) (scale / sum);
                for (int j = 0; j < numItems; j++) {
                    logits[lo + j] *= norm;
                }
                logits[lo + target - 1] -= scale;
            }
        }
        // (P - Y) M and (P - Y)^T H, already times scale
        blas.gemmNativeB(false, false, rows, d, numItems, 1f, logits, 0, numItems, itemTable, d, d, 0f, dOut, 0, d);
        float[] tableGrads = scratch.tableGrads(numItems * d);
        blas.gemm(true, false, numItems, d, rows, 1f, logits, 0, numItems, out, 0, d, 0f, tableGrads, 0, d);
        for (int item = 1; item <= numItems; item++) {
            itemGrads.add(item, tableGrads, (item - 1) * d, 1f);
        }
        return loss;
    }

    /** A thread's logits [rows, N] and item-table gradient, kept from pass to pass. */
    private static final class Scratch {
        private float[] logits = new float[0];
        private float[] tableGrads = new float[0];

        float[] logits(int length) {
            if (logits.length < length) {
                logits = new float[length + length / 4];
            }
            return logits;
        }

        float[] tableGrads(int length) {
            if (tableGrads.length < length) {
                tableGrads = new float[length];
            }
            return tableGrads;
        }
    }
}
