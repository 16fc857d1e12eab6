package dev.sasrec.engine.cpu;

import dev.sasrec.engine.internal.Blas;
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
        // gain at 1, bias at 1 + d, as in a parameter array
        float[] params = random(rnd, 2 * d + 1, 1);
        int gain = 1;
        int bias = 1 + d;
        float[] r = random(rnd, rows * d, 1);
        float[] y = new float[rows * d];
        float[] xhat = new float[rows * d];
        float[] rstd = new float[rows];
        LayerNorm.forward(x, rows, d, params, gain, bias, 1e-8, xhat, rstd, y);
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
                assertEquals((x[i * d + j] - mean) / Math.sqrt(var + 1e-8) * params[gain + j] + params[bias + j], y[i * d + j], 1e-5);
            }
        }
        float[] dx = new float[rows * d];
        float[] grads = new float[params.length];
        LayerNorm.backward(r, xhat, rstd, rows, d, params, gain, bias, grads, dx);
        Supplier<Double> loss = () -> {
            float[] out = new float[rows * d];
            LayerNorm.forward(x, rows, d, params, gain, bias, 1e-8, new float[rows * d], new float[rows], out);
            return dot(out, r);
        };
        check("x", x, dx, loss);
        check("gain and bias", params, grads, loss);
    }

    @Test
    void attentionMatchesMaskedSoftmaxAndItsFiniteDifferences() {
        // Lengths on both sides of CausalAttention.BLAS_FROM: loops for the short histories, BLAS for the long one.
        int[] lengths = {1, 4, CausalAttention.BLAS_FROM + 2};
        for (boolean dropout : new boolean[]{false, true}) {
            int d = 4;
            int heads = 2;
            int[] starts = new int[lengths.length + 1];
            int[] offsets = new int[lengths.length + 1];
            for (int b = 0; b < lengths.length; b++) {
                starts[b + 1] = starts[b] + lengths[b];
                offsets[b + 1] = offsets[b] + CausalAttention.weightsSize(lengths[b], heads);
            }
            int rows = starts[lengths.length];
            SplittableRandom rnd = new SplittableRandom(dropout ? 3 : 2);
            float[] q = random(rnd, rows * d, 1);
            float[] k = random(rnd, rows * d, 1);
            float[] v = random(rnd, rows * d, 1);
            float[] r = random(rnd, rows * d, 1);
            float[] mask = null;
            if (dropout) {
                mask = new float[offsets[lengths.length]];
                for (int i = 0; i < mask.length; i++) {
                    mask[i] = rnd.nextDouble() < 0.3 ? 0f : 1f / 0.7f;
                }
            }
            CausalAttention attention = new CausalAttention(new Blas(), d, heads);
            float[] out = new float[rows * d];
            float[] probs = new float[offsets[lengths.length]];
            for (int b = 0; b < lengths.length; b++) {
                attention.forward(q, k, v, starts[b], lengths[b], mask, offsets[b], probs, out);
            }
            assertReference(q, k, v, d, heads, starts, lengths, mask, offsets, out);
            float[] dq = new float[rows * d];
            float[] dk = new float[rows * d];
            float[] dv = new float[rows * d];
            for (int b = 0; b < lengths.length; b++) {
                attention.backward(r, q, k, v, starts[b], lengths[b], mask, offsets[b], probs, dq, dk, dv);
            }
            float[] m = mask;
            Supplier<Double> loss = () -> {
                float[] o = new float[rows * d];
                for (int b = 0; b < lengths.length; b++) {
                    attention.forward(q, k, v, starts[b], lengths[b], m, offsets[b], new float[probs.length], o);
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
        for (int len : new int[]{3, CausalAttention.BLAS_FROM + 1}) {
            int d = 4;
            int rows = 2 * len;
            SplittableRandom rnd = new SplittableRandom(4);
            float[] q = random(rnd, rows * d, 1);
            float[] k = random(rnd, rows * d, 1);
            float[] v = random(rnd, rows * d, 1);
            CausalAttention attention = new CausalAttention(new Blas(), d, 2);
            float[] probs = new float[2 * CausalAttention.weightsSize(len, 2)];
            float[] before = new float[rows * d];
            attention.forward(q, k, v, 0, len, null, 0, probs, before);
            attention.forward(q, k, v, len, len, null, probs.length / 2, probs, before);
            int last = len - 1;
            for (int j = 0; j < d; j++) {
                k[last * d + j] += 5;
                v[last * d + j] -= 5;
                k[(len + 1) * d + j] += 5;
            }
            float[] after = new float[rows * d];
            attention.forward(q, k, v, 0, len, null, 0, probs, after);
            attention.forward(q, k, v, len, len, null, probs.length / 2, probs, after);
            for (int i = 0; i < last * d; i++) {
                assertEquals(before[i], after[i], "earlier positions of the first history, length " + len);
            }
            for (int i = len * d; i < (len + 1) * d; i++) {
                assertEquals(before[i], after[i], "position 0 of the second history, length " + len);
            }
            assertTrue(Math.abs(before[last * d] - after[last * d]) > 1e-3, "the last position sees its own change");
        }
    }

    /** out equals softmax over s <= t of q.k / sqrt(dh), times the mask, times V, computed plainly. */
    private static void assertReference(float[] q, float[] k, float[] v, int d, int heads, int[] starts, int[] lengths,
                                        float[] mask, int[] offsets, float[] out) {
        int dh = d / heads;
        for (int b = 0; b < lengths.length; b++) {
            int len = lengths[b];
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < len; t++) {
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
                            double m = mask == null ? 1 : mask[offsets[b] + h * len * len + t * len + s];
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
