package dev.sasrec.engine.cpu;

import dev.sasrec.engine.internal.Blas;
import dev.sasrec.engine.internal.DropoutMasks;
import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.internal.ItemRowGradients;
import dev.sasrec.engine.model.SasRecConfig;

import java.util.Arrays;

/**
 * The SASRec encoder over the stacked real positions of a group of histories, forward and backward: every
 * projection is one BLAS product over all rows, attention runs history by history over its own rows, and every
 * intermediate the backward pass needs is kept in arrays reused from call to call.
 *
 * <p>Its function is the SameDiff graph's ({@code SasRecGraph}): embedding times sqrt(d) plus the position rows
 * (a history of L items takes positions n-L..n-1), embedding dropout, then per block {@code xn = LN1(x)}, queries
 * from xn, keys and values from xn (pre-LN) or x, {@code x = xn + attention}, {@code xn2 = LN2(x)},
 * {@code x = xn2 + drop(relu(xn2 W1 + b1) dropped W2 + b2)}, and a final layer norm.
 *
 * <p>Not thread-safe: one per thread.
 */
final class StackedEncoder {

    /**
     * One block's arrays, [rows, d] unless said otherwise. The first group is what any forward pass computes; the
     * second what training keeps for the backward pass (allocated by the first training pass).
     */
    private static final class BlockState {
        final int d;
        int capacity = -1;
        float[] input = new float[0];
        float[] xn = new float[0];
        float[] q = new float[0];
        float[] k = new float[0];
        float[] v = new float[0];
        float[] xn2 = new float[0];
        /** relu(xn2 W1 + b1), before dropout: without dropout, the input of W2. */
        float[] relu = new float[0];

        float[] xhat1 = new float[0];
        float[] rstd1 = new float[0];
        float[] xhat2 = new float[0];
        float[] rstd2 = new float[0];
        /** The hidden layer after dropout: the input of W2 with dropout. */
        float[] hidden = new float[0];
        float[] hiddenMask = new float[0];
        float[] outputMask = new float[0];
        /** Attention weights and their dropout factors, per history from {@code weightOffset}. */
        float[] probs = new float[0];
        float[] probsMask = new float[0];

        BlockState(int d) {
            this.d = d;
        }
    }

    private final int d;
    private final int maxLen;
    private final int numItems;
    private final int heads;
    private final boolean preLayerNorm;
    private final double eps;
    private final float embeddingScale;
    private final Blas blas = new Blas();
    private final CausalAttention attention;
    private final BlockState[] blocks;

    private int rows;
    private int histories;
    private int[] first = new int[1];
    private int[] weightOffset = new int[1];
    private int[] items = new int[0];
    private int[] positions = new int[0];
    private boolean dropout;
    private float[] finalInput = new float[0];
    private float[] out = new float[0];
    private float[] work1 = new float[0];
    /** Inference: the last position of each history, and one history's attention weights. */
    private float[] lastRows = new float[0];
    private float[] historyWeights = new float[0];
    private float[] embeddingMask = new float[0];
    private float[] xhatF = new float[0];
    private float[] rstdF = new float[0];
    private float[] work2 = new float[0];
    private float[] dx = new float[0];
    private float[] dxn = new float[0];
    private float[] dq = new float[0];
    private float[] dk = new float[0];
    private float[] dv = new float[0];
    private int capacity = -1;
    private int trainingCapacity = -1;
    private int weightCapacity = -1;

    StackedEncoder(SasRecConfig config, int numItems) {
        this.d = config.hiddenUnits();
        this.maxLen = config.maxLen();
        this.numItems = numItems;
        this.heads = config.numHeads();
        this.preLayerNorm = config.preLayerNorm();
        this.eps = config.layerNormEps();
        this.embeddingScale = (float) Math.sqrt(d);
        this.attention = new CausalAttention(blas, d, heads);
        this.blocks = new BlockState[config.numBlocks()];
        for (int b = 0; b < blocks.length; b++) {
            blocks[b] = new BlockState(d);
        }
    }

    /** The shared BLAS scratch of this encoder's thread. */
    Blas blas() {
        return blas;
    }

    /**
     * Runs the encoder over {@code inputs} (each history's items in time order; the last maxLen are read) at every
     * position, keeping what {@link #backward} and {@link #attentionWeights} read.
     *
     * @param historyBase the index of {@code inputs[0]} in its pass, which keys its dropout masks
     * @param masks       the pass's dropout masks, or null for none
     */
    void forward(EncoderWeights w, int[][] inputs, int historyBase, DropoutMasks masks) {
        layOut(inputs, true);
        this.dropout = masks != null && masks.active();
        embed(w, inputs, historyBase, masks, blocks[0].input);
        for (int b = 0; b < blocks.length; b++) {
            selfAttention(w, b, blocks[b], historyBase, masks, true);
            feedForward(w, b, blocks[b], historyBase, masks, rows,
                    b + 1 < blocks.length ? blocks[b + 1].input : finalInput, true);
        }
        LayerNorm.forward(finalInput, rows, d, w.dense, w.finalGain, w.finalBias, eps, xhatF, rstdF, out);
    }

    /**
     * The encoder output at the last position of each history, without dropout, row-major [histories, d]: every
     * block but the last runs over all positions, the last one computes keys and values of all positions and the
     * rest for the last position only.
     */
    float[] encodeLast(EncoderWeights w, int[][] inputs) {
        layOut(inputs, false);
        this.dropout = false;
        float[] p = w.dense;
        // At inference every block works in the first block's arrays: nothing is kept for a backward pass.
        BlockState s = blocks[0];
        embed(w, inputs, 0, null, s.input);
        int last = blocks.length - 1;
        for (int b = 0; b < last; b++) {
            selfAttention(w, b, s, 0, null, false);
            feedForward(w, b, s, 0, null, rows, finalInput, false);
            float[] next = finalInput;
            finalInput = s.input;
            s.input = next;
        }
        EncoderWeights.Block wb = w.blocks[last];
        int users = histories;
        if (lastRows.length < users * d) {
            lastRows = new float[users * d];
        }
        float[] kvInput = s.input;
        if (preLayerNorm) {
            LayerNorm.forward(s.input, rows, d, p, wb.ln1Gain(), wb.ln1Bias(), eps, null, null, s.xn);
            kvInput = s.xn;
        }
        project(kvInput, rows, p, wb.wk(), s.k);
        project(kvInput, rows, p, wb.wv(), s.v);
        for (int u = 0; u < users; u++) {
            System.arraycopy(kvInput, (first[u + 1] - 1) * d, lastRows, u * d, d);
        }
        if (!preLayerNorm) {
            // Keys and values read the block's input as it is: only the query's position needs normalising.
            LayerNorm.forward(lastRows, users, d, p, wb.ln1Gain(), wb.ln1Bias(), eps, null, null, lastRows);
        }
        project(lastRows, users, p, wb.wq(), s.q);
        for (int u = 0; u < users; u++) {
            attention.forwardLast(s.q, u * d, s.k, s.v, first[u], first[u + 1] - first[u], work1, u * d);
        }
        for (int i = 0; i < users * d; i++) {
            work1[i] += lastRows[i];
        }
        feedForward(w, last, s, 0, null, users, finalInput, false);
        LayerNorm.forward(finalInput, users, d, p, w.finalGain, w.finalBias, eps, null, null, out);
        return Arrays.copyOf(out, users * d);
    }

    /**
     * Block {@code b}'s first half over every position of {@code s.input}: {@code work1 = xn + attention}, with
     * {@code xn = LN1(x)}, queries from xn and keys and values from xn (pre-LN) or x. {@code keep}: keep what the
     * backward pass reads.
     */
    private void selfAttention(EncoderWeights w, int b, BlockState s, int historyBase, DropoutMasks masks,
                               boolean keep) {
        EncoderWeights.Block wb = w.blocks[b];
        float[] p = w.dense;
        LayerNorm.forward(s.input, rows, d, p, wb.ln1Gain(), wb.ln1Bias(), eps, keep ? s.xhat1 : null,
                keep ? s.rstd1 : null, s.xn);
        float[] kvInput = preLayerNorm ? s.xn : s.input;
        project(s.xn, rows, p, wb.wq(), s.q);
        project(kvInput, rows, p, wb.wk(), s.k);
        project(kvInput, rows, p, wb.wv(), s.v);
        if (dropout) {
            attentionMasks(masks, b, historyBase, s.probsMask);
        }
        for (int u = 0; u < histories; u++) {
            int len = first[u + 1] - first[u];
            if (keep) {
                attention.forward(s.q, s.k, s.v, first[u], len, dropout ? s.probsMask : null, weightOffset[u],
                        s.probs, work1);
            } else {
                attention.forward(s.q, s.k, s.v, first[u], len, null, 0, historyWeights(len), work1);
            }
        }
        int n = rows * d;
        for (int i = 0; i < n; i++) {
            work1[i] += s.xn[i];
        }
    }

    /**
     * Block {@code b}'s second half over the first {@code count} rows of {@code work1}:
     * {@code next = xn2 + drop(drop(relu(xn2 W1 + b1)) W2 + b2)} with {@code xn2 = LN2(work1)}.
     */
    private void feedForward(EncoderWeights w, int b, BlockState s, int historyBase, DropoutMasks masks, int count,
                             float[] next, boolean keep) {
        EncoderWeights.Block wb = w.blocks[b];
        float[] p = w.dense;
        LayerNorm.forward(work1, count, d, p, wb.ln2Gain(), wb.ln2Bias(), eps, keep ? s.xhat2 : null,
                keep ? s.rstd2 : null, s.xn2);
        project(s.xn2, count, p, wb.w1(), s.relu);
        if (dropout) {
            rowMasks(masks, DropoutMasks.hidden(b), historyBase, s.hiddenMask);
            rowMasks(masks, DropoutMasks.output(b), historyBase, s.outputMask);
        }
        int b1 = wb.b1();
        for (int r = 0; r < count; r++) {
            int at = r * d;
            for (int j = 0; j < d; j++) {
                float h = Math.max(s.relu[at + j] + p[b1 + j], 0f);
                s.relu[at + j] = h;
                if (dropout) {
                    s.hidden[at + j] = h * s.hiddenMask[at + j];
                }
            }
        }
        float[] ff = work1;
        project(dropout ? s.hidden : s.relu, count, p, wb.w2(), ff);
        int b2 = wb.b2();
        for (int r = 0; r < count; r++) {
            int at = r * d;
            for (int j = 0; j < d; j++) {
                float f = ff[at + j] + p[b2 + j];
                next[at + j] = s.xn2[at + j] + (dropout ? f * s.outputMask[at + j] : f);
            }
        }
    }

    /** x = item rows times sqrt(d) plus position rows, times the embedding dropout factors. */
    private void embed(EncoderWeights w, int[][] inputs, int historyBase, DropoutMasks masks, float[] x) {
        if (dropout) {
            rowMasks(masks, DropoutMasks.embedding(), historyBase, embeddingMask);
        }
        float[] p = w.dense;
        for (int u = 0; u < histories; u++) {
            int[] h = inputs[u];
            int len = first[u + 1] - first[u];
            for (int t = 0; t < len; t++) {
                int row = first[u] + t;
                int item = h[h.length - len + t];
                EncoderInputs.requireInCatalogue(item, h.length - len + t, historyBase + u, numItems);
                int pos = maxLen - len + t;
                items[row] = item;
                positions[row] = pos;
                int at = row * d;
                w.itemTable.get(item * d, x, at, d);
                int po = w.positions + pos * d;
                for (int j = 0; j < d; j++) {
                    float e = x[at + j] * embeddingScale + p[po + j];
                    x[at + j] = dropout ? e * embeddingMask[at + j] : e;
                }
            }
        }
    }

    /**
     * From dL/d(output) (rows of {@link #output()}), adds the gradients of the dense parameters into
     * {@code grads} (laid out as {@link EncoderWeights#dense}) and of the item rows read into {@code itemGrads}.
     */
    void backward(EncoderWeights w, float[] dOut, float[] grads, ItemRowGradients itemGrads) {
        float[] p = w.dense;
        int n = rows * d;
        LayerNorm.backward(dOut, xhatF, rstdF, rows, d, p, w.finalGain, w.finalBias, grads, dx);
        for (int b = blocks.length - 1; b >= 0; b--) {
            BlockState s = blocks[b];
            EncoderWeights.Block wb = w.blocks[b];
            // Feed-forward: x_next = xn2 + drop2(hidden W2 + b2), hidden = drop1(relu(xn2 W1 + b1))
            float[] dff = work1;
            for (int i = 0; i < n; i++) {
                dff[i] = dropout ? dx[i] * s.outputMask[i] : dx[i];
            }
            columnSums(dff, grads, wb.b2());
            weightGradient(dropout ? s.hidden : s.relu, dff, grads, wb.w2());
            float[] dHidden = work2;
            blas.gemm(false, true, rows, d, d, 1f, dff, 0, d, p, wb.w2(), d, 0f, dHidden, 0, d);
            for (int i = 0; i < n; i++) {
                float g = s.relu[i] > 0 ? dHidden[i] : 0f;
                dHidden[i] = dropout ? g * s.hiddenMask[i] : g;
            }
            columnSums(dHidden, grads, wb.b1());
            weightGradient(s.xn2, dHidden, grads, wb.w1());
            blas.gemm(false, true, rows, d, d, 1f, dHidden, 0, d, p, wb.w1(), d, 1f, dx, 0, d);
            // x_mid = xn + attention(q(xn), k(kv), v(kv)); xn2 = LN2(x_mid)
            LayerNorm.backward(dx, s.xhat2, s.rstd2, rows, d, p, wb.ln2Gain(), wb.ln2Bias(), grads, dx);
            System.arraycopy(dx, 0, dxn, 0, n);
            Arrays.fill(dq, 0, n, 0f);
            Arrays.fill(dk, 0, n, 0f);
            Arrays.fill(dv, 0, n, 0f);
            for (int u = 0; u < histories; u++) {
                attention.backward(dx, s.q, s.k, s.v, first[u], first[u + 1] - first[u],
                        dropout ? s.probsMask : null, weightOffset[u], s.probs, dq, dk, dv);
            }
            float[] kvInput = preLayerNorm ? s.xn : s.input;
            weightGradient(s.xn, dq, grads, wb.wq());
            weightGradient(kvInput, dk, grads, wb.wk());
            weightGradient(kvInput, dv, grads, wb.wv());
            blas.gemm(false, true, rows, d, d, 1f, dq, 0, d, p, wb.wq(), d, 1f, dxn, 0, d);
            float[] dkv = preLayerNorm ? dxn : work1;
            float kvBeta = preLayerNorm ? 1f : 0f;
            blas.gemm(false, true, rows, d, d, 1f, dk, 0, d, p, wb.wk(), d, kvBeta, dkv, 0, d);
            blas.gemm(false, true, rows, d, d, 1f, dv, 0, d, p, wb.wv(), d, 1f, dkv, 0, d);
            LayerNorm.backward(dxn, s.xhat1, s.rstd1, rows, d, p, wb.ln1Gain(), wb.ln1Bias(), grads, dx);
            if (!preLayerNorm) {
                for (int i = 0; i < n; i++) {
                    dx[i] += work1[i];
                }
            }
        }
        // Embedding: x = (item * sqrt(d) + position) * mask
        for (int row = 0; row < rows; row++) {
            int at = row * d;
            if (dropout) {
                for (int j = 0; j < d; j++) {
                    dx[at + j] *= embeddingMask[at + j];
                }
            }
            int po = w.positions + positions[row] * d;
            for (int j = 0; j < d; j++) {
                grads[po + j] += dx[at + j];
            }
            itemGrads.add(items[row], dx, at, embeddingScale);
        }
    }

    /** The encoder output of the last {@link #forward}: row i of history u at {@code (first(u) + i) * d}. */
    float[] output() {
        return out;
    }

    /** Rows (real positions) of the last {@link #forward}. */
    int rows() {
        return rows;
    }

    /** The first row of history {@code u}; {@code first(histories)} is the row count. */
    int first(int u) {
        return first[u];
    }

    /** Block {@code block}'s attention weights of the last forward (see {@link CausalAttention}). */
    float[] attentionWeights(int block) {
        return blocks[block].probs;
    }

    /** Where history {@code u}'s weights start in {@link #attentionWeights}. */
    int weightOffset(int u) {
        return weightOffset[u];
    }

    /** Computes each history's rows and weight offsets, and grows the arrays to fit ({@code training}: all of them). */
    private void layOut(int[][] inputs, boolean training) {
        histories = inputs.length;
        if (first.length < histories + 1) {
            first = new int[histories + 1];
            weightOffset = new int[histories + 1];
        }
        for (int u = 0; u < histories; u++) {
            int len = Math.min(inputs[u].length, maxLen);
            if (len < 1) {
                throw new IllegalArgumentException("history " + u + " is empty, expected at least 1 item");
            }
            first[u + 1] = first[u] + len;
            weightOffset[u + 1] = weightOffset[u] + CausalAttention.weightsSize(len, heads);
        }
        rows = first[histories];
        if (rows > capacity) {
            growForward(rows + rows / 2);
        }
        for (int b = 0; b < (training ? blocks.length : 1); b++) {
            if (blocks[b].capacity < capacity) {
                growBlock(blocks[b], capacity);
            }
        }
        if (training && rows > trainingCapacity) {
            growTraining(capacity);
        }
        if (training && weightOffset[histories] > weightCapacity) {
            weightCapacity = weightOffset[histories] + weightOffset[histories] / 4;
            for (BlockState s : blocks) {
                s.probs = new float[weightCapacity];
                s.probsMask = new float[weightCapacity];
            }
        }
    }

    private static void growBlock(BlockState s, int rowCapacity) {
        s.capacity = rowCapacity;
        int n = rowCapacity * s.d;
        s.input = new float[n];
        s.xn = new float[n];
        s.q = new float[n];
        s.k = new float[n];
        s.v = new float[n];
        s.xn2 = new float[n];
        s.relu = new float[n];
    }

    private void growForward(int rowCapacity) {
        capacity = rowCapacity;
        int n = rowCapacity * d;
        items = new int[rowCapacity];
        positions = new int[rowCapacity];
        finalInput = new float[n];
        out = new float[n];
        work1 = new float[n];
    }

    private void growTraining(int rowCapacity) {
        trainingCapacity = rowCapacity;
        int n = rowCapacity * d;
        for (BlockState s : blocks) {
            s.xhat1 = new float[n];
            s.rstd1 = new float[rowCapacity];
            s.xhat2 = new float[n];
            s.rstd2 = new float[rowCapacity];
            s.hidden = new float[n];
            s.hiddenMask = new float[n];
            s.outputMask = new float[n];
        }
        embeddingMask = new float[n];
        xhatF = new float[n];
        rstdF = new float[rowCapacity];
        work2 = new float[n];
        dx = new float[n];
        dxn = new float[n];
        dq = new float[n];
        dk = new float[n];
        dv = new float[n];
    }

    /** Factors of a [rows, d] mask: row t of history u is its position t. */
    private void rowMasks(DropoutMasks masks, long tensor, int historyBase, float[] into) {
        for (int u = 0; u < histories; u++) {
            for (int row = first[u]; row < first[u + 1]; row++) {
                masks.fill(tensor, historyBase + u, row - first[u], into, row * d, d);
            }
        }
    }

    /** Factors of block {@code b}'s attention weights, laid out as its weights (the causal part of each row). */
    private void attentionMasks(DropoutMasks masks, int b, int historyBase, float[] into) {
        for (int u = 0; u < histories; u++) {
            int len = first[u + 1] - first[u];
            for (int h = 0; h < heads; h++) {
                int w = weightOffset[u] + h * len * len;
                for (int t = 0; t < len; t++) {
                    masks.fill(DropoutMasks.attention(b, h), historyBase + u, t, into, w + t * len, t + 1);
                }
            }
        }
    }

    /** result[count, d] = in[count, d] times the [d, d] matrix at {@code p[w..]}. */
    private void project(float[] in, int count, float[] p, int w, float[] result) {
        blas.gemm(false, false, count, d, d, 1f, in, 0, d, p, w, d, 0f, result, 0, d);
    }

    /** A scratch for one history's attention weights at inference. */
    private float[] historyWeights(int len) {
        int size = CausalAttention.weightsSize(len, heads);
        if (historyWeights.length < size) {
            historyWeights = new float[size];
        }
        return historyWeights;
    }

    /** grads[w..] += in^T dOut: the gradient of a [d, d] projection. */
    private void weightGradient(float[] in, float[] dOut, float[] grads, int w) {
        blas.gemm(true, false, d, d, rows, 1f, in, 0, d, dOut, 0, d, 1f, grads, w, d);
    }

    /** grads[at + j] += sum over rows of g[r, j]. */
    private void columnSums(float[] g, float[] grads, int at) {
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            for (int j = 0; j < d; j++) {
                grads[at + j] += g[o + j];
            }
        }
    }
}
