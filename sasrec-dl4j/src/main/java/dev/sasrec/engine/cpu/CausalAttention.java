package dev.sasrec.engine.cpu;

import dev.sasrec.engine.internal.Blas;
import dev.sasrec.engine.internal.Exponentials;

import java.util.Arrays;

/**
 * Causal multi-head scaled dot-product attention over one history, forward and backward. The history is the rows
 * {@code start .. start + len - 1} of row-major {@code [positions, d]} arrays of queries, keys and values; head
 * {@code h} is columns {@code h * dh .. (h + 1) * dh - 1}. A position attends to itself and earlier positions of
 * its own history only, so there is neither padding nor a mask: {@code P = softmax(Q K^T / sqrt(dh))} over
 * positions {@code 0..t} of row t, optionally times an inverted-dropout mask, then {@code out = P V}.
 *
 * <p>The weights of a history live in a flat array from an offset: head h's {@code [len, len]} row-major matrix
 * at {@code offset + h * len * len}, zero above the diagonal. Short histories are computed with loops over the
 * causal triangle; from {@link #BLAS_FROM} positions on, the products go through BLAS over the whole square (twice
 * the arithmetic at a tenth of the cost per operation).
 *
 * <p>Not thread-safe: one per thread.
 */
final class CausalAttention {

    /** History length from which the products go through BLAS. */
    static final int BLAS_FROM = 24;

    private final Blas blas;
    private final int d;
    private final int heads;
    private final int dh;
    private final float scale;
    private float[] dropped = new float[0];
    private float[] dP = new float[0];

    CausalAttention(Blas blas, int d, int heads) {
        this.blas = blas;
        this.d = d;
        this.heads = heads;
        this.dh = d / heads;
        this.scale = (float) (1.0 / Math.sqrt(dh));
    }

    /** Floats the weights (or masks) of a history of {@code len} positions take. */
    static int weightsSize(int len, int heads) {
        return heads * len * len;
    }

    /**
     * Writes the history's rows of {@code out} and keeps the softmax weights in {@code probs} from {@code offset}.
     *
     * @param mask null, or the inverted-dropout factors of the weights, laid out as {@code probs}
     */
    void forward(float[] q, float[] k, float[] v, int start, int len, float[] mask, int offset, float[] probs,
                 float[] out) {
        boolean viaBlas = len >= BLAS_FROM;
        for (int h = 0; h < heads; h++) {
            int col = h * dh;
            int w = offset + h * len * len;
            if (viaBlas) {
                blas.gemm(false, true, len, len, dh, scale, q, start * d + col, d, k, start * d + col, d,
                        0f, probs, w, len);
            } else {
                scores(q, k, start, len, col, probs, w);
            }
            softmaxRows(probs, w, len);
            float[] weights = mask == null ? probs : dropped(probs, mask, w, len);
            int wAt = mask == null ? w : 0;
            if (viaBlas) {
                blas.gemm(false, false, len, dh, len, 1f, weights, wAt, len, v, start * d + col, d,
                        0f, out, start * d + col, d);
            } else {
                for (int t = 0; t < len; t++) {
                    int ot = (start + t) * d + col;
                    Arrays.fill(out, ot, ot + dh, 0f);
                    for (int s = 0; s <= t; s++) {
                        float p = weights[wAt + t * len + s];
                        int vs = (start + s) * d + col;
                        for (int j = 0; j < dh; j++) {
                            out[ot + j] += p * v[vs + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * The attention of one query (at {@code q[queryOffset..]}) over all {@code len} positions of a history (it
     * is the history's last position), into {@code out[outOffset..]}: the last row of {@link #forward}.
     */
    void forwardLast(float[] q, int queryOffset, float[] k, float[] v, int start, int len, float[] out, int outOffset) {
        float[] w = scratch(len);
        for (int h = 0; h < heads; h++) {
            int col = h * dh;
            float max = Float.NEGATIVE_INFINITY;
            for (int s = 0; s < len; s++) {
                int ks = (start + s) * d + col;
                float dot = 0;
                for (int j = 0; j < dh; j++) {
                    dot += q[queryOffset + col + j] * k[ks + j];
                }
                w[s] = dot * scale;
                max = Math.max(max, w[s]);
            }
            double sum = Exponentials.expMinus(w, 0, len, max);
            float inv = (float) (1.0 / sum);
            int o = outOffset + col;
            Arrays.fill(out, o, o + dh, 0f);
            for (int s = 0; s < len; s++) {
                float p = w[s] * inv;
                int vs = (start + s) * d + col;
                for (int j = 0; j < dh; j++) {
                    out[o + j] += p * v[vs + j];
                }
            }
        }
    }

    /** probs[w + t * len + s] = q_t . k_s * scale for s &lt;= t; four keys at a time. */
    private void scores(float[] q, float[] k, int start, int len, int col, float[] probs, int w) {
        for (int t = 0; t < len; t++) {
            int qt = (start + t) * d + col;
            int s = 0;
            for (; s + 4 <= t + 1; s += 4) {
                int k0 = (start + s) * d + col;
                int k1 = k0 + d;
                int k2 = k1 + d;
                int k3 = k2 + d;
                float s0 = 0;
                float s1 = 0;
                float s2 = 0;
                float s3 = 0;
                for (int j = 0; j < dh; j++) {
                    float qj = q[qt + j];
                    s0 += qj * k[k0 + j];
                    s1 += qj * k[k1 + j];
                    s2 += qj * k[k2 + j];
                    s3 += qj * k[k3 + j];
                }
                probs[w + t * len + s] = s0 * scale;
                probs[w + t * len + s + 1] = s1 * scale;
                probs[w + t * len + s + 2] = s2 * scale;
                probs[w + t * len + s + 3] = s3 * scale;
            }
            for (; s <= t; s++) {
                int k0 = (start + s) * d + col;
                float s0 = 0;
                for (int j = 0; j < dh; j++) {
                    s0 += q[qt + j] * k[k0 + j];
                }
                probs[w + t * len + s] = s0 * scale;
            }
        }
    }

    /** Row-wise softmax over the causal part of each row, zero above the diagonal. */
    private static void softmaxRows(float[] p, int w, int len) {
        for (int t = 0; t < len; t++) {
            int row = w + t * len;
            float max = Float.NEGATIVE_INFINITY;
            for (int s = 0; s <= t; s++) {
                max = Math.max(max, p[row + s]);
            }
            double sum = Exponentials.expMinus(p, row, row + t + 1, max);
            float inv = (float) (1.0 / sum);
            for (int s = 0; s <= t; s++) {
                p[row + s] *= inv;
            }
            Arrays.fill(p, row + t + 1, row + len, 0f);
        }
    }

    /**
     * From the gradient of the history's rows of {@code out}, adds the gradients of its rows of {@code q},
     * {@code k} and {@code v} into {@code dq}, {@code dk} and {@code dv}.
     */
    void backward(float[] dOut, float[] q, float[] k, float[] v, int start, int len, float[] mask, int offset,
                  float[] probs, float[] dq, float[] dk, float[] dv) {
        boolean viaBlas = len >= BLAS_FROM;
        float[] g = gradientScratch(len);
        for (int h = 0; h < heads; h++) {
            int col = h * dh;
            int w = offset + h * len * len;
            float[] weights = mask == null ? probs : dropped(probs, mask, w, len);
            int wAt = mask == null ? w : 0;
            // dV += P~^T dOut;  dP~ = dOut V^T
            if (viaBlas) {
                blas.gemm(true, false, len, dh, len, 1f, weights, wAt, len, dOut, start * d + col, d,
                        1f, dv, start * d + col, d);
                blas.gemm(false, true, len, len, dh, 1f, dOut, start * d + col, d, v, start * d + col, d,
                        0f, g, 0, len);
            } else {
                for (int t = 0; t < len; t++) {
                    int ot = (start + t) * d + col;
                    for (int s = 0; s <= t; s++) {
                        int vs = (start + s) * d + col;
                        float p = weights[wAt + t * len + s];
                        float dot = 0;
                        for (int j = 0; j < dh; j++) {
                            dot += dOut[ot + j] * v[vs + j];
                            dv[vs + j] += p * dOut[ot + j];
                        }
                        g[t * len + s] = dot;
                    }
                }
            }
            // dS = P * (dP - sum_s dP * P) * scale, with dP = dP~ * mask; zero above the diagonal
            for (int t = 0; t < len; t++) {
                int row = t * len;
                double rowDot = 0;
                for (int s = 0; s <= t; s++) {
                    float dp = mask == null ? g[row + s] : g[row + s] * mask[w + row + s];
                    g[row + s] = dp;
                    rowDot += (double) dp * probs[w + row + s];
                }
                float rd = (float) rowDot;
                for (int s = 0; s <= t; s++) {
                    g[row + s] = probs[w + row + s] * (g[row + s] - rd) * scale;
                }
                Arrays.fill(g, row + t + 1, row + len, 0f);
            }
            // dQ += dS K;  dK += dS^T Q
            if (viaBlas) {
                blas.gemm(false, false, len, dh, len, 1f, g, 0, len, k, start * d + col, d,
                        1f, dq, start * d + col, d);
                blas.gemm(true, false, len, dh, len, 1f, g, 0, len, q, start * d + col, d,
                        1f, dk, start * d + col, d);
            } else {
                for (int t = 0; t < len; t++) {
                    int rt = (start + t) * d + col;
                    for (int s = 0; s <= t; s++) {
                        float ds = g[t * len + s];
                        if (ds == 0) {
                            continue;
                        }
                        int rs = (start + s) * d + col;
                        for (int j = 0; j < dh; j++) {
                            dq[rt + j] += ds * k[rs + j];
                            dk[rs + j] += ds * q[rt + j];
                        }
                    }
                }
            }
        }
    }

    /** The weights times their dropout factors, {@code [len * len]} from element 0 of a scratch array. */
    private float[] dropped(float[] probs, float[] mask, int w, int len) {
        float[] out = scratch(len);
        for (int i = 0; i < len * len; i++) {
            out[i] = probs[w + i] * mask[w + i];
        }
        return out;
    }

    private float[] scratch(int len) {
        if (dropped.length < len * len) {
            dropped = new float[len * len];
        }
        return dropped;
    }

    private float[] gradientScratch(int len) {
        if (dP.length < len * len) {
            dP = new float[len * len];
        }
        return dP;
    }
}
