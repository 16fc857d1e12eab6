package dev.sasrec.engine.cpu;

/**
 * Causal multi-head scaled dot-product attention over one history, forward and backward. The history is the rows
 * {@code start .. start + len - 1} of row-major {@code [positions, d]} arrays of queries, keys and values; head
 * {@code h} is columns {@code h * dh .. (h + 1) * dh - 1}. A position attends to itself and earlier positions of
 * its own history only, so there is neither padding nor a mask: {@code P = softmax(Q K^T / sqrt(dh))} over
 * positions {@code 0..t} of row t, optionally times an inverted-dropout mask, then {@code out = P V}.
 */
final class CausalAttention {

    private CausalAttention() {
    }

    /**
     * Writes the history's rows of {@code out} and keeps the softmax weights in {@code probs}
     * ({@code [heads][len * len]} row-major, zero above the diagonal) for {@link #backward}.
     *
     * @param dropMask null, or per head the {@code [len * len]} inverted-dropout factors of the weights
     */
    static void forward(float[] q, float[] k, float[] v, int d, int heads, int start, int len, float[][] dropMask,
                        float[][] probs, float[] out) {
        int dh = d / heads;
        double scale = 1.0 / Math.sqrt(dh);
        for (int h = 0; h < heads; h++) {
            int col = h * dh;
            float[] p = probs[h];
            for (int t = 0; t < len; t++) {
                int qt = (start + t) * d + col;
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s <= t; s++) {
                    int ks = (start + s) * d + col;
                    double dot = 0;
                    for (int j = 0; j < dh; j++) {
                        dot += (double) q[qt + j] * k[ks + j];
                    }
                    double score = dot * scale;
                    p[t * len + s] = (float) score;
                    max = Math.max(max, score);
                }
                double sum = 0;
                for (int s = 0; s <= t; s++) {
                    double e = Math.exp(p[t * len + s] - max);
                    p[t * len + s] = (float) e;
                    sum += e;
                }
                for (int s = 0; s <= t; s++) {
                    p[t * len + s] = (float) (p[t * len + s] / sum);
                }
                for (int s = t + 1; s < len; s++) {
                    p[t * len + s] = 0f;
                }
                for (int j = 0; j < dh; j++) {
                    double acc = 0;
                    for (int s = 0; s <= t; s++) {
                        double w = dropMask == null ? p[t * len + s] : p[t * len + s] * dropMask[h][t * len + s];
                        acc += w * v[(start + s) * d + col + j];
                    }
                    out[qt + j] = (float) acc;
                }
            }
        }
    }

    /**
     * From the gradient of the history's rows of {@code out}, adds the gradients of its rows of {@code q},
     * {@code k} and {@code v} into {@code dq}, {@code dk} and {@code dv}.
     */
    static void backward(float[] dOut, float[] q, float[] k, float[] v, int d, int heads, int start, int len,
                         float[][] dropMask, float[][] probs, float[] dq, float[] dk, float[] dv) {
        int dh = d / heads;
        double scale = 1.0 / Math.sqrt(dh);
        double[] dP = new double[len];
        for (int h = 0; h < heads; h++) {
            int col = h * dh;
            float[] p = probs[h];
            for (int t = 0; t < len; t++) {
                int rt = (start + t) * d + col;
                // dV[s] += P~[t, s] dOut[t];  dP~[t, s] = dOut[t] . V[s];  dP = dP~ * mask
                double rowDot = 0;
                for (int s = 0; s <= t; s++) {
                    double m = dropMask == null ? 1 : dropMask[h][t * len + s];
                    int rs = (start + s) * d + col;
                    double dot = 0;
                    for (int j = 0; j < dh; j++) {
                        dot += (double) dOut[rt + j] * v[rs + j];
                        dv[rs + j] += (float) (p[t * len + s] * m * dOut[rt + j]);
                    }
                    dP[s] = dot * m;
                    rowDot += dP[s] * p[t * len + s];
                }
                // dS = P * (dP - sum_s dP * P), scaled back through Q K^T / sqrt(dh)
                for (int s = 0; s <= t; s++) {
                    double dS = p[t * len + s] * (dP[s] - rowDot) * scale;
                    if (dS == 0) {
                        continue;
                    }
                    int rs = (start + s) * d + col;
                    for (int j = 0; j < dh; j++) {
                        dq[rt + j] += (float) (dS * k[rs + j]);
                        dk[rs + j] += (float) (dS * q[rt + j]);
                    }
                }
            }
        }
    }
}
