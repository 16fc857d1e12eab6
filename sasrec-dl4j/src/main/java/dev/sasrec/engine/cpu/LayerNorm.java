package dev.sasrec.engine.cpu;

/**
 * Layer normalisation of each row of a row-major {@code [rows, d]} array, forward and backward:
 * {@code y = (x - mean) / sqrt(var + eps) * gain + bias}, with the biased variance of the row (as the SameDiff graph
 * computes it). Row statistics are accumulated in double. Gain and bias are read from a parameter array at their
 * offsets, and their gradients added into a gradient array at the same offsets.
 */
final class LayerNorm {

    private LayerNorm() {
    }

    /**
     * Writes {@code y} and keeps, for {@link #backward}, each row's normalised values {@code xhat} and its
     * {@code 1 / sqrt(var + eps)} in {@code rstd} (both null at inference). {@code y} may be {@code x}.
     */
    static void forward(float[] x, int rows, int d, float[] params, int gain, int bias, double eps, float[] xhat,
                        float[] rstd, float[] y) {
        for (int r = 0; r < rows; r++) {
            int at = r * d;
            double mean = sum(x, at, d, 0.0, false) / d;
            double var = sum(x, at, d, mean, true) / d;
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            float m = (float) mean;
            if (rstd != null) {
                rstd[r] = inv;
            }
            for (int j = 0; j < d; j++) {
                float h = (x[at + j] - m) * inv;
                if (xhat != null) {
                    xhat[at + j] = h;
                }
                y[at + j] = h * params[gain + j] + params[bias + j];
            }
        }
    }

    /**
     * The sum of {@code x[at .. at + d)} less {@code mean} (squared when {@code squares}), in double, over four
     * independent partial sums: a single running sum would wait on the latency of each addition.
     */
    private static double sum(float[] x, int at, int d, double mean, boolean squares) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 4 <= d; j += 4) {
            double c0 = x[at + j] - mean;
            double c1 = x[at + j + 1] - mean;
            double c2 = x[at + j + 2] - mean;
            double c3 = x[at + j + 3] - mean;
            s0 += squares ? c0 * c0 : c0;
            s1 += squares ? c1 * c1 : c1;
            s2 += squares ? c2 * c2 : c2;
            s3 += squares ? c3 * c3 : c3;
        }
        for (; j < d; j++) {
            double c = x[at + j] - mean;
            s0 += squares ? c * c : c;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * From {@code dy}, writes {@code dx} (overwritten; may be {@code dy}) and adds into the gain's and bias's
     * gradients: {@code dx = rstd * (g - mean(g) - xhat * mean(g * xhat))} with {@code g = dy * gain}.
     */
    static void backward(float[] dy, float[] xhat, float[] rstd, int rows, int d, float[] params, int gain,
                         int bias, float[] grads, float[] dx) {
        for (int r = 0; r < rows; r++) {
            int at = r * d;
            double meanG = 0;
            double meanGx = 0;
            for (int j = 0; j < d; j++) {
                float dyj = dy[at + j];
                float g = dyj * params[gain + j];
                meanG += g;
                meanGx += g * xhat[at + j];
                grads[gain + j] += dyj * xhat[at + j];
                grads[bias + j] += dyj;
            }
            float mg = (float) (meanG / d);
            float mgx = (float) (meanGx / d);
            float inv = rstd[r];
            for (int j = 0; j < d; j++) {
                float g = dy[at + j] * params[gain + j];
                dx[at + j] = inv * (g - mg - xhat[at + j] * mgx);
            }
        }
    }
}
