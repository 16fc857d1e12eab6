package dev.sasrec.engine.cpu;

/**
 * Layer normalisation of each row of a row-major {@code [rows, d]} array, forward and backward:
 * {@code y = (x - mean) / sqrt(var + eps) * gain + bias}, with the biased variance of the row (as the SameDiff graph
 * computes it). Row statistics are accumulated in double.
 */
final class LayerNorm {

    private LayerNorm() {
    }

    /**
     * Writes {@code y} and keeps, for {@link #backward}, each row's normalised values {@code xhat} and its
     * {@code 1 / sqrt(var + eps)} in {@code rstd}. {@code y} may be {@code x}.
     */
    static void forward(float[] x, int rows, int d, float[] gain, float[] bias, double eps, float[] xhat, float[] rstd,
                        float[] y) {
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
            double inv = 1.0 / Math.sqrt(var + eps);
            rstd[r] = (float) inv;
            for (int j = 0; j < d; j++) {
                float h = (float) ((x[at + j] - mean) * inv);
                xhat[at + j] = h;
                y[at + j] = h * gain[j] + bias[j];
            }
        }
    }

    /**
     * From {@code dy}, writes {@code dx} (overwritten; may be {@code dy}) and adds into {@code dGain} and
     * {@code dBias}: {@code dx = rstd * (g - mean(g) - xhat * mean(g * xhat))} with {@code g = dy * gain}.
     */
    static void backward(float[] dy, float[] xhat, float[] rstd, int rows, int d, float[] gain, float[] dx,
                         float[] dGain, float[] dBias) {
        for (int r = 0; r < rows; r++) {
            int at = r * d;
            double meanG = 0;
            double meanGx = 0;
            for (int j = 0; j < d; j++) {
                double g = (double) dy[at + j] * gain[j];
                meanG += g;
                meanGx += g * xhat[at + j];
                dGain[j] += dy[at + j] * xhat[at + j];
                dBias[j] += dy[at + j];
            }
            meanG /= d;
            meanGx /= d;
            for (int j = 0; j < d; j++) {
                double g = (double) dy[at + j] * gain[j];
                dx[at + j] = (float) (rstd[r] * (g - meanG - xhat[at + j] * meanGx));
            }
        }
    }
}
