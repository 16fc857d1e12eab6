package dev.sasrec.engine.cpu;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native backend's kernels against plain reference formulas (forward) and central finite differences
 * (backward). Each loss is {@code sum(output * R)} for a fixed random R, so R is the output's gradient.
 */
class KernelGradientTest {

    private static final double STEP = 1e-3;

    @Test
    void layerNormMatchesItsFormulaAndItsFiniteDifferences() {
        int rows = 3;
        int d = 6;
        SplittableRandom rnd = new SplittableRandom(1);
        float[] x = random(rnd, rows * d, 2);
        float[] gain = random(rnd, d, 1);
        float[] bias = random(rnd, d, 1);
        float[] r = random(rnd, rows * d, 1);
        float[] y = new float[rows * d];
        float[] xhat = new float[rows * d];
        float[] rstd = new float[rows];
        LayerNorm.forward(x, rows, d, gain, bias, 1e-8, xhat, rstd, y);
        for (int i = 0; i < rows; i++) {
            double mean = 0;
            double var = 0;
            for (int j = 0; j < d; j++) {
                mean += x[i * d + j] / (double) d;
            }
            for (int j = 0; j < d; j++) {
                var += Math.pow(x[i * d + j] - mean, 2) / d;
            }
            for (int j = 0; j < d; j++) {
                assertEquals((x[i * d + j] - mean) / Math.sqrt(var + 1e-8) * gain[j] + bias[j], y[i * d + j], 1e-5);
            }
        }
        float[] dx = new float[rows * d];
        float[] dGain = new float[d];
        float[] dBias = new float[d];
        LayerNorm.backward(r, xhat, rstd, rows, d, gain, dx, dGain, dBias);
        Supplier<Double> loss = () -> {
            float[] out = new float[rows * d];
            LayerNorm.forward(x, rows, d, gain, bias, 1e-8, new float[rows * d], new float[rows], out);
            return dot(out, r);
        };
        check("x", x, dx, loss);
        check("gain", gain, dGain, loss);
        check("bias", bias, dBias, loss);
    }

    @Test
    void attentionMatchesMaskedSoftmaxAndItsFiniteDifferences() {
        for (boolean dropout : new boolean[]{false, true}) {
            int d = 4;
            int heads = 2;
            int[] starts = {0, 1};
            int[] lengths = {1, 4};
            int rows = 5;
            SplittableRandom rnd = new SplittableRandom(dropout ? 3 : 2);
            float[] q = random(rnd, rows * d, 1);
            float[] k = random(rnd, rows * d, 1);
            float[] v = random(rnd, rows * d, 1);
            float[] r = random(rnd, rows * d, 1);
            float[][][] masks = new float[2][][];
            for (int b = 0; b < 2; b++) {
                masks[b] = dropout ? new float[heads][lengths[b] * lengths[b]] : null;
                if (dropout) {
                    for (float[] m : masks[b]) {
                        for (int i = 0; i < m.length; i++) {
                            m[i] = rnd.nextDouble() < 0.3 ? 0f : 1f / 0.7f;
                        }
                    }
                }
            }
            float[] out = new float[rows * d];
            float[][][] probs = new float[2][][];
            for (int b = 0; b < 2; b++) {
                probs[b] = new float[heads][lengths[b] * lengths[b]];
                CausalAttention.forward(q, k, v, d, heads, starts[b], lengths[b], masks[b], probs[b], out);
            }
            assertReference(q, k, v, d, heads, starts, lengths, masks, out);
            float[] dq = new float[rows * d];
            float[] dk = new float[rows * d];
            float[] dv = new float[rows * d];
            for (int b = 0; b < 2; b++) {
                CausalAttention.backward(r, q, k, v, d, heads, starts[b], lengths[b], masks[b], probs[b], dq, dk, dv);
            }
            Supplier<Double> loss = () -> {
                float[] o = new float[rows * d];
                for (int b = 0; b < 2; b++) {
                    CausalAttention.forward(q, k, v, d, heads, starts[b], lengths[b], masks[b],
                            new float[heads][lengths[b] * lengths[b]], o);
                }
                return dot(o, r);
            };
            check("q, dropout " + dropout, q, dq, loss);
            check("k, dropout " + dropout, k, dk, loss);
            check("v, dropout " + dropout, v, dv, loss);
        }
    }

    @Test
    void aPositionDoesNotSeeLaterPositionsOrOtherHistories() {
        int d = 4;
        SplittableRandom rnd = new SplittableRandom(4);
        float[] q = random(rnd, 6 * d, 1);
        float[] k = random(rnd, 6 * d, 1);
        float[] v = random(rnd, 6 * d, 1);
        float[] before = new float[6 * d];
        CausalAttention.forward(q, k, v, d, 2, 0, 3, null, new float[2][9], before);
        CausalAttention.forward(q, k, v, d, 2, 3, 3, null, new float[2][9], before);
        for (int j = 0; j < d; j++) {
            k[2 * d + j] += 5;
            v[2 * d + j] -= 5;
            k[4 * d + j] += 5;
        }
        float[] after = new float[6 * d];
        CausalAttention.forward(q, k, v, d, 2, 0, 3, null, new float[2][9], after);
        CausalAttention.forward(q, k, v, d, 2, 3, 3, null, new float[2][9], after);
        for (int i = 0; i < 2 * d; i++) {
            assertEquals(before[i], after[i], "positions 0 and 1 of the first history");
        }
        for (int i = 3 * d; i < 4 * d; i++) {
            assertEquals(before[i], after[i], "position 0 of the second history");
        }
        assertTrue(Math.abs(before[2 * d] - after[2 * d]) > 1e-3, "position 2 sees its own change");
    }

    /** out equals softmax over s <= t of q.k / sqrt(dh), times the mask, times V, computed plainly. */
    private static void assertReference(float[] q, float[] k, float[] v, int d, int heads, int[] starts, int[] lengths,
                                        float[][][] masks, float[] out) {
        int dh = d / heads;
        for (int b = 0; b < starts.length; b++) {
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < lengths[b]; t++) {
                    double[] w = new double[t + 1];
                    double z = 0;
                    for (int s = 0; s <= t; s++) {
                        double dot = 0;
                        for (int j = 0; j < dh; j++) {
                            dot += q[(starts[b] + t) * d + h * dh + j] * k[(starts[b] + s) * d + h * dh + j];
                        }
                        w[s] = Math.exp(dot / Math.sqrt(dh));
                        z += w[s];
                    }
                    for (int j = 0; j < dh; j++) {
                        double o = 0;
                        for (int s = 0; s <= t; s++) {
                            double m = masks[b] == null ? 1 : masks[b][h][t * lengths[b] + s];
                            o += w[s] / z * m * v[(starts[b] + s) * d + h * dh + j];
                        }
                        assertEquals(o, out[(starts[b] + t) * d + h * dh + j], 1e-5);
                    }
                }
            }
        }
    }

    /** Every coordinate of {@code x}: the analytic gradient against a central difference of {@code loss}. */
    private static void check(String name, float[] x, float[] analytic, Supplier<Double> loss) {
        double largest = 0;
        for (int i = 0; i < x.length; i++) {
            float keep = x[i];
            x[i] = (float) (keep + STEP);
            double up = loss.get();
            x[i] = (float) (keep - STEP);
            double down = loss.get();
            x[i] = keep;
            double numeric = (up - down) / (2 * STEP);
            largest = Math.max(largest, Math.abs(numeric));
            assertEquals(numeric, analytic[i], 2e-3 * Math.max(1, Math.abs(numeric)), name + "[" + i + "]");
        }
        assertTrue(largest > 1e-2, name + ": no coordinate has a gradient to check");
    }

    private static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale);
        }
        return a;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
