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
            double mean = 0;
            for (int j = 0; j < d; j++) {
                mean += x[at + j];
            }
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++) {
                double c = x[at + j] - mean;
                var += c * c;
            }
            var /= d;
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
