package dev.sasrec.engine.score;

import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.internal.HostArrays;
import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;

/**
 * The encoder's output at the last position of each history, for inference: the function of the SameDiff encoder
 * without dropout (tested against it), computed with BLAS products for the projections and plain loops for the
 * rest.
 *
 * <p>Scoring runs the encoder once per batch of a few hundred histories, where SameDiff's own work between its
 * hundred-odd small ops, the reshape copies and the batched attention products over padded histories cost more than
 * the arithmetic. Here every history is computed over its own positions only, with no padding and no masks: all
 * positions of all histories are stacked into one [rows, d] matrix for each projection, attention runs history by
 * history over its earlier positions, and the last block computes only the last position's query and feed-forward
 * part. A third to two fifths less CPU per user than the SameDiff graph it replaced (docs/BENCHMARKS.md).
 *
 * <p>Not thread-safe: one per thread, as its {@link Scorer}.
 */
final class LastPositionEncoder {

    /** One block's parameters; the key and value projections side by side as one [d, 2d] matrix. */
    private record Block(float[] ln1Gain, float[] ln1Bias, INDArray wq, INDArray wkv, float[] ln2Gain,
                         float[] ln2Bias, INDArray w1, float[] b1, INDArray w2, float[] b2) { }

    private final int d;
    private final int maxLen;
    private final int numItems;
    private final int heads;
    private final int headSize;
    private final float layerNormEps;
    private final boolean preLayerNorm;
    private final float embeddingScale;
    private final float queryScale;
    private final FloatBuffer itemTable;
    private final float[] positions;
    private final Block[] blocks;
    private final float[] finalGain;
    private final float[] finalBias;

    /** Row-major [rows, d] work arrays over all positions of a batch, grown as needed. */
    private float[] x = new float[0];
    private float[] xn = new float[0];
    private float[] q = new float[0];
    private float[] t = new float[0];
    /** Keys and values side by side: [rows, 2d]. */
    private float[] kv = new float[0];
    /** Attention scores of one query. */
    private float[] weights = new float[0];
    /** Native operands of the BLAS products, grown as needed; views of their first elements are used. */
    private INDArray nativeLeft = Nd4j.create(DataType.FLOAT, 0);
    private INDArray nativeResult = Nd4j.create(DataType.FLOAT, 0);

    LastPositionEncoder(SasRecNetwork network) {
        SasRecConfig c = network.config();
        ParameterLayout layout = network.layout();
        INDArray params = network.parametersView();
        this.d = c.hiddenUnits();
        this.maxLen = c.maxLen();
        this.numItems = network.numItems();
        this.heads = c.numHeads();
        this.headSize = c.headSize();
        this.layerNormEps = (float) c.layerNormEps();
        this.preLayerNorm = c.preLayerNorm();
        this.embeddingScale = (float) Math.sqrt(d);
        this.queryScale = (float) (1.0 / Math.sqrt(headSize));
        this.itemTable = EncoderInputs.itemTable(params, layout);
        this.positions = HostArrays.floats(layout.view(params, ParameterLayout.POSITION_EMBEDDING));
        this.blocks = new Block[c.numBlocks()];
        for (int b = 0; b < blocks.length; b++) {
            blocks[b] = new Block(floats(layout, params, b, "ln1_g"), floats(layout, params, b, "ln1_b"),
                    matrix(layout, params, b, "wq"),
                    Nd4j.hstack(matrix(layout, params, b, "wk"), matrix(layout, params, b, "wv")).dup('c'),
                    floats(layout, params, b, "ln2_g"), floats(layout, params, b, "ln2_b"),
                    matrix(layout, params, b, "w1"), floats(layout, params, b, "b1"),
                    matrix(layout, params, b, "w2"), floats(layout, params, b, "b2"));
        }
        this.finalGain = HostArrays.floats(layout.view(params, "final_ln_g"));
        this.finalBias = HostArrays.floats(layout.view(params, "final_ln_b"));
    }

    private static float[] floats(ParameterLayout layout, INDArray params, int block, String name) {
        return HostArrays.floats(layout.view(params, ParameterLayout.block(block, name)));
    }

    private static INDArray matrix(ParameterLayout layout, INDArray params, int block, String name) {
        return layout.view(params, ParameterLayout.block(block, name)).dup('c');
    }

    /**
     * The encoder output at the last position of each history, row-major [histories.length, d].
     *
     * @param histories item ids in time order, each non-empty, ids in 1..numItems; only the last maxLen are read
     */
    float[] encode(int[][] histories) {
        int users = histories.length;
        int[] first = new int[users + 1];
        for (int u = 0; u < users; u++) {
            first[u + 1] = first[u] + Math.min(histories[u].length, maxLen);
        }
        int rows = first[users];
        grow(rows);
        embed(histories, first);
        for (int b = 0; b < blocks.length - 1; b++) {
            fullBlock(blocks[b], first, rows);
        }
        return lastBlock(blocks[blocks.length - 1], first, rows);
    }

    private void grow(int rows) {
        if (x.length < rows * d) {
            int capacity = rows * d + rows * d / 2;
            x = new float[capacity];
            xn = new float[capacity];
            q = new float[capacity];
            t = new float[capacity];
            kv = new float[2 * capacity];
        }
    }

    /** x = item rows times sqrt(d) plus the position rows; a history of L items takes positions n-L..n-1. */
    private void embed(int[][] histories, int[] first) {
        for (int u = 0; u < histories.length; u++) {
            int[] h = histories[u];
            int length = first[u + 1] - first[u];
            for (int i = 0; i < length; i++) {
                int item = h[h.length - length + i];
                EncoderInputs.requireInCatalogue(item, h.length - length + i, u, numItems);
                int row = (first[u] + i) * d;
                int pos = (maxLen - length + i) * d;
                itemTable.get(item * d, x, row, d);
                for (int j = 0; j < d; j++) {
                    x[row + j] = x[row + j] * embeddingScale + positions[pos + j];
                }
            }
        }
    }

    /** One block over every position: causal self-attention, then the position-wise feed-forward part. */
    private void fullBlock(Block block, int[] first, int rows) {
        layerNorm(x, xn, rows, block.ln1Gain(), block.ln1Bias());
        product(xn, rows, block.wq(), q);
        product(preLayerNorm ? xn : x, rows, block.wkv(), kv);
        for (int u = 0; u + 1 < first.length; u++) {
            for (int row = first[u]; row < first[u + 1]; row++) {
                attend(q, row * d, first[u], row - first[u] + 1, t, row * d);
            }
        }
        for (int i = 0; i < rows * d; i++) {
            x[i] = xn[i] + t[i];
        }
        layerNorm(x, xn, rows, block.ln2Gain(), block.ln2Bias());
        feedForward(block, xn, rows, x);
    }

    /** The last block for the last position of each history, then the final layer norm: [users, d]. */
    private float[] lastBlock(Block block, int[] first, int rows) {
        int users = first.length - 1;
        float[] kvInput = x;
        if (preLayerNorm) {
            layerNorm(x, xn, rows, block.ln1Gain(), block.ln1Bias());
            kvInput = xn;
        }
        product(kvInput, rows, block.wkv(), kv);
        float[] last = new float[users * d];
        for (int u = 0; u < users; u++) {
            System.arraycopy(kvInput, (first[u + 1] - 1) * d, last, u * d, d);
        }
        if (!preLayerNorm) {
            // Keys and values read the block's input as it is: only the query's position needs normalising.
            layerNorm(last, last, users, block.ln1Gain(), block.ln1Bias());
        }
        float[] query = new float[users * d];
        product(last, users, block.wq(), query);
        float[] attended = new float[users * d];
        for (int u = 0; u < users; u++) {
            attend(query, u * d, first[u], first[u + 1] - first[u], attended, u * d);
        }
        for (int i = 0; i < users * d; i++) {
            last[i] += attended[i];
        }
        layerNorm(last, last, users, block.ln2Gain(), block.ln2Bias());
        float[] out = new float[users * d];
        feedForward(block, last, users, out);
        layerNorm(out, out, users, finalGain, finalBias);
        return out;
    }

    /**
     * out = in + relu(in W1 + b1) W2 + b2, row by row, for at most the batch's rows; the work arrays {@code t} and
     * {@code q} (free by then) hold the hidden layer and the second product.
     */
    private void feedForward(Block block, float[] in, int rows, float[] out) {
        float[] hidden = t;
        product(in, rows, block.w1(), hidden);
        float[] b1 = block.b1();
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            for (int j = 0; j < d; j++) {
                hidden[o + j] = Math.max(hidden[o + j] + b1[j], 0f);
            }
        }
        float[] ff = q;
        product(hidden, rows, block.w2(), ff);
        float[] b2 = block.b2();
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            for (int j = 0; j < d; j++) {
                out[o + j] = in[o + j] + ff[o + j] + b2[j];
            }
        }
    }

    /**
     * Softmax attention of the query at {@code queries[queryOff..]} over the keys and values of rows
     * {@code firstRow .. firstRow + count - 1}, head by head, into {@code out[outOff..]}. Four keys at a time: four
     * independent sums run about three times faster than one.
     */
    private void attend(float[] queries, int queryOff, int firstRow, int count, float[] out, int outOff) {
        if (weights.length < count) {
            weights = new float[Math.max(count, 2 * weights.length)];
        }
        float[] w = weights;
        int stride = 2 * d;
        for (int head = 0; head < heads; head++) {
            int c0 = head * headSize;
            int qo = queryOff + c0;
            int j = 0;
            for (; j + 4 <= count; j += 4) {
                int k0 = (firstRow + j) * stride + c0;
                int k1 = k0 + stride;
                int k2 = k1 + stride;
                int k3 = k2 + stride;
                float s0 = 0;
                float s1 = 0;
                float s2 = 0;
                float s3 = 0;
                for (int c = 0; c < headSize; c++) {
                    float qc = queries[qo + c];
                    s0 += qc * kv[k0 + c];
                    s1 += qc * kv[k1 + c];
                    s2 += qc * kv[k2 + c];
                    s3 += qc * kv[k3 + c];
                }
                w[j] = s0 * queryScale;
                w[j + 1] = s1 * queryScale;
                w[j + 2] = s2 * queryScale;
                w[j + 3] = s3 * queryScale;
            }
            for (; j < count; j++) {
                int k0 = (firstRow + j) * stride + c0;
                float s0 = 0;
                for (int c = 0; c < headSize; c++) {
                    s0 += queries[qo + c] * kv[k0 + c];
                }
                w[j] = s0 * queryScale;
            }
            float max = Float.NEGATIVE_INFINITY;
            for (j = 0; j < count; j++) {
                max = Math.max(max, w[j]);
            }
            float sum = 0;
            for (j = 0; j < count; j++) {
                w[j] = (float) Math.exp(w[j] - max);
                sum += w[j];
            }
            float norm = 1f / sum;
            int oo = outOff + c0;
            java.util.Arrays.fill(out, oo, oo + headSize, 0f);
            for (j = 0; j + 4 <= count; j += 4) {
                float w0 = w[j] * norm;
                float w1 = w[j + 1] * norm;
                float w2 = w[j + 2] * norm;
                float w3 = w[j + 3] * norm;
                int v0 = (firstRow + j) * stride + d + c0;
                int v1 = v0 + stride;
                int v2 = v1 + stride;
                int v3 = v2 + stride;
                for (int c = 0; c < headSize; c++) {
                    out[oo + c] += w0 * kv[v0 + c] + w1 * kv[v1 + c] + w2 * kv[v2 + c] + w3 * kv[v3 + c];
                }
            }
            for (; j < count; j++) {
                float w0 = w[j] * norm;
                int v0 = (firstRow + j) * stride + d + c0;
                for (int c = 0; c < headSize; c++) {
                    out[oo + c] += w0 * kv[v0 + c];
                }
            }
        }
    }

    /** Layer normalisation of each d-wide row of {@code in} into {@code out} (which may be {@code in}). */
    private void layerNorm(float[] in, float[] out, int rows, float[] gain, float[] bias) {
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            // Four partial sums: one running sum is a chain of dependent additions, four times slower.
            float m0 = 0;
            float m1 = 0;
            float m2 = 0;
            float m3 = 0;
            int j = 0;
            for (; j + 4 <= d; j += 4) {
                m0 += in[o + j];
                m1 += in[o + j + 1];
                m2 += in[o + j + 2];
                m3 += in[o + j + 3];
            }
            for (; j < d; j++) {
                m0 += in[o + j];
            }
            float mean = (m0 + m1 + m2 + m3) / d;
            float v0 = 0;
            float v1 = 0;
            float v2 = 0;
            float v3 = 0;
            for (j = 0; j + 4 <= d; j += 4) {
                float c0 = in[o + j] - mean;
                float c1 = in[o + j + 1] - mean;
                float c2 = in[o + j + 2] - mean;
                float c3 = in[o + j + 3] - mean;
                v0 += c0 * c0;
                v1 += c1 * c1;
                v2 += c2 * c2;
                v3 += c3 * c3;
            }
            for (; j < d; j++) {
                float c = in[o + j] - mean;
                v0 += c * c;
            }
            float scale = (float) (1.0 / Math.sqrt((v0 + v1 + v2 + v3) / d + layerNormEps));
            for (j = 0; j < d; j++) {
                out[o + j] = (in[o + j] - mean) * scale * gain[j] + bias[j];
            }
        }
    }

    /** result[0 .. rows * cols) = a[0 .. rows * d) as [rows, d] times w [d, cols], through BLAS gemm. */
    private void product(float[] a, int rows, INDArray w, float[] result) {
        int cols = (int) w.size(1);
        nativeLeft = atLeast(nativeLeft, (long) rows * d);
        nativeResult = atLeast(nativeResult, (long) rows * cols);
        INDArray left = nativeLeft.get(NDArrayIndex.interval(0, (long) rows * d)).reshape('c', rows, d);
        INDArray out = nativeResult.get(NDArrayIndex.interval(0, (long) rows * cols)).reshape('c', rows, cols);
        nativeLeft.data().asNioFloat().put(a, 0, rows * d);
        Nd4j.gemm(left, w, out, false, false, 1.0, 0.0);
        nativeResult.data().asNioFloat().get(result, 0, rows * cols);
    }

    /** {@code buffer} if it holds at least {@code length} floats, else a new one with room to spare. */
    private static INDArray atLeast(INDArray buffer, long length) {
        if (buffer.length() >= length) {
            return buffer;
        }
        buffer.close();
        return Nd4j.create(DataType.FLOAT, length + length / 2);
    }
}
