package dev.sasrec.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;

/**
 * The full softmax cross-entropy head, computed with BLAS products and in-place element-wise ops outside the
 * SameDiff graph. In the graph the same head ran as about ten separate allocating ops over [positions x items]
 * (175 s per ML-1M epoch, 8 GB resident); here it is three matrix products and one [positions x items] buffer.
 *
 * <p>For encoder outputs H (one row per position that has a target) and the item table M without its padding
 * row, the loss is the mean over rows of logSumExp(H M^T) - h . m_target, and its gradients are
 * dL/dH = (P - Y) M / R and dL/dM = (P - Y)^T H / R, with P the row-wise softmax, Y the one-hot targets and R
 * the number of rows. Stateless; not thread-safe only through ND4J's own rules.
 */
final class SoftmaxHead {

    private SoftmaxHead() {
    }

    /** Loss and gradients of one batch's head. */
    record Result(double loss, float[] outputGradient, float[] itemGradient) { }

    /**
     * @param output    encoder outputs [positions, d] in row-major order (padding positions included)
     * @param targets   target item per position (0 where the position has no target), length positions
     * @param itemTable the item embedding [(N+1), d], row 0 being padding
     * @return the mean loss, dL/d(output) [positions, d] (zero rows where no target) and dL/d(itemTable)
     *         [(N+1), d] (row 0 zero)
     */
    static Result compute(float[] output, int[] targets, INDArray itemTable, int d) {
        int rows = 0;
        for (int t : targets) {
            if (t != 0) {
                rows++;
            }
        }
        int numItems = (int) itemTable.rows() - 1;
        if (rows == 0) {
            return new Result(0, new float[output.length], new float[(numItems + 1) * d]);
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
        return new Result(loss / rows, outputGradient, dm);
    }
}
