package dev.sasrec.engine.loss;

import dev.sasrec.engine.internal.HostArrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The full softmax cross-entropy head, computed with BLAS products and in-place element-wise ops outside the
 * SameDiff graph. In the graph the same head ran as about ten separate allocating ops over [positions x items]
 * (175 s per ML-1M epoch, 8 GB resident); here it is three matrix products and one [positions x items] buffer.
 *
 * <p>For encoder outputs H (one row per position that has a target) and the item table M without its padding
 * row, the loss is the mean over rows of logSumExp(H M^T) - h . m_target, and its gradients are
 * dL/dH = (P - Y) M / R and dL/dM = (P - Y)^T H / R, with P the row-wise softmax, Y the one-hot targets and R
 * the number of rows. In a SameDiff training graph the head stands as the surrogate sum(F * dL/dF). Stateless;
 * not thread-safe only through ND4J's own rules.
 */
final class FullSoftmax implements LossHead {

    /** The full softmax draws nothing. */
    private static final Draws NOTHING = new Draws() { };

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
    public OutputGradients outsideGraph(float[] output, int[][] targets, INDArray itemTable, int d) {
        return compute(output, flatten(targets), itemTable, d);
    }

    @Override
    public void scatter(float[] itemGradient, Map<String, INDArray> gradients, int[][] targets, Draws draws, int d) {
    }

    /** Measured: 12 bytes per catalogue item, for the logits of a position and their gradient (docs/RELIABILITY.md). */
    @Override
    public long extraBytesPerPosition(int numItems) {
        return 12L * numItems;
    }

    private static int[] flatten(int[][] rows) {
        int total = 0;
        for (int[] r : rows) {
            total += r.length;
        }
        int[] flat = new int[total];
        int at = 0;
        for (int[] r : rows) {
            System.arraycopy(r, 0, flat, at, r.length);
            at += r.length;
        }
        return flat;
    }

    /**
     * @param output    encoder outputs [positions, d] in row-major order (padding positions included)
     * @param targets   target item per position (0 where the position has no target), length positions
     * @param itemTable the item embedding [(N+1), d], row 0 being padding
     * @return the mean loss, dL/d(output) [positions, d] (zero rows where no target) and dL/d(itemTable)
     *         [(N+1), d] (row 0 zero)
     */
    static OutputGradients compute(float[] output, int[] targets, INDArray itemTable, int d) {
        int rows = 0;
        for (int t : targets) {
            if (t != 0) {
                rows++;
            }
        }
        int numItems = (int) itemTable.rows() - 1;
        if (rows == 0) {
            return new OutputGradients(0, new float[output.length], new float[(numItems + 1) * d]);
        }
        float[] h = new float[rows * d];
        int r = 0;
        for (int p = 0; p < targets.length; p++) {
            if (targets[p] != 0) {
                System.arraycopy(output, p * d, h, r * d, d);
                r++;
            }
        }
        INDArray hidden = HostArrays.of(h, rows, d);
        INDArray items = itemTable.get(NDArrayIndex.interval(1, numItems + 1), NDArrayIndex.all()).dup('c');
        float[] table = HostArrays.floats(items);

        INDArray logits = Nd4j.gemm(hidden, items, false, true);                       // [R, N]
        INDArray rowMax = logits.max(1);
        logits.subiColumnVector(rowMax);
        Transforms.exp(logits, false);
        INDArray sums = logits.sum(1);
        float[] max = HostArrays.floats(rowMax);
        float[] sum = HostArrays.floats(sums);
        logits.diviColumnVector(sums);                                                   // P

        double loss = 0;
        FloatBuffer probabilities = logits.data().asNioFloat();
        float scale = 1f / rows;
        r = 0;
        for (int t : targets) {
            if (t == 0) {
                continue;
            }
            float targetLogit = 0;
            for (int k = 0; k < d; k++) {
                targetLogit += h[r * d + k] * table[(t - 1) * d + k];
            }
            loss += Math.log(sum[r]) + max[r] - targetLogit;
            int at = r * numItems + (t - 1);
            probabilities.put(at, probabilities.get(at) - 1f);
            r++;
        }
        logits.muli(scale);                                                              // (P - Y) / R

        INDArray hiddenGrad = Nd4j.gemm(logits, items, false, false);                  // [R, d]
        INDArray itemGrad = Nd4j.gemm(logits, hidden, true, false);                    // [N, d]
        float[] dh = HostArrays.floats(hiddenGrad);
        float[] outputGradient = new float[output.length];
        r = 0;
        for (int p = 0; p < targets.length; p++) {
            if (targets[p] != 0) {
                System.arraycopy(dh, r * d, outputGradient, p * d, d);
                r++;
            }
        }
        float[] dm = new float[(numItems + 1) * d];
        System.arraycopy(HostArrays.floats(itemGrad), 0, dm, d, numItems * d);
        for (INDArray a : new INDArray[]{hidden, items, logits, rowMax, sums, hiddenGrad, itemGrad}) {
            a.close();
        }
        return new OutputGradients(loss / rows, outputGradient, dm);
    }
}
