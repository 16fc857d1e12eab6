package dev.sasrec.engine.train;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * One Adam step over the flat parameters in a single pass: for each parameter, both moments and the parameter move
 * together, {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2},
 * {@code p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)}, with t the step number from 1.
 *
 * <p>Exact by default: every parameter moves every step, as PyTorch's Adam does. Lazy: the rows of the item table
 * whose gradient is zero in the step (items the step never read) keep their parameters and moments, as TensorFlow's
 * LazyAdam and PyTorch's SparseAdam do, which makes a step's cost follow the items it touched rather than the
 * catalogue; every other parameter moves as in the exact update. Row 0 of the item table (padding) stays zero.
 */
final class AdamUpdate {

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final boolean lazy;
    private final int d;
    private final int itemFloats;

    /**
     * @param itemFloats floats of the item table at the start of the flat vector ((N + 1) * d)
     */
    AdamUpdate(double learningRate, double beta1, double beta2, double epsilon, boolean lazy, int d, long itemFloats) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.lazy = lazy;
        this.d = d;
        this.itemFloats = Math.toIntExact(itemFloats);
    }

    /**
     * Applies step {@code iteration} (from 0) to {@code params} from {@code gradient}, updating {@code state}
     * (first moments, then second moments, each as long as the parameters), and records the item rows it moved
     * in {@code changed}.
     */
    void apply(INDArray params, FlatGradient gradient, INDArray state, int iteration, ChangedRows changed) {
        FloatBuffer p = params.data().asNioFloat();
        FloatBuffer s = state.data().asNioFloat();
        int size = Math.toIntExact(params.length());
        double t = iteration + 1.0;
        float alpha = (float) (learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        if (!lazy) {
            gradient.holdAllRows();
        }
        if (lazy && !gradient.allRows()) {
            FloatBuffer held = gradient.heldRows();
            for (int i = 0; i < gradient.rowCount(); i++) {
                int row = gradient.row(i) * d;
                if (row > 0 && touched(held, i * d)) {
                    range(p, held, i * d, s, size, row, row + d, alpha);
                    changed.add(row / d);
                }
            }
        } else if (lazy) {
            FloatBuffer g = gradient.allValues();
            for (int row = d; row < itemFloats; row += d) {
                if (touched(g, row)) {
                    range(p, g, row, s, size, row, row + d, alpha);
                    changed.add(row / d);
                }
            }
        } else {
            range(p, gradient.allValues(), d, s, size, d, itemFloats, alpha);
            changed.addAll();
        }
        range(p, gradient.denseValues(), 0, s, size, itemFloats, size, alpha);
        for (int j = 0; j < d; j++) {
            p.put(j, 0f);
        }
    }

    private boolean touched(FloatBuffer g, int at) {
        for (int j = 0; j < d; j++) {
            if (g.get(at + j) != 0f) {
                return true;
            }
        }
        return false;
    }

    /** Moves parameters {@code from..to}, reading their gradient from {@code g} at {@code gFrom} on. */
    private void range(FloatBuffer p, FloatBuffer g, int gFrom, FloatBuffer s, int size, int from, int to,
                       float alpha) {
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - beta1);
        float c2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        int shift = gFrom - from;
        for (int i = from; i < to; i++) {
            float gi = g.get(i + shift);
            float m = b1 * s.get(i) + c1 * gi;
            float v = b2 * s.get(size + i) + c2 * gi * gi;
            s.put(i, m);
            s.put(size + i, v);
            p.put(i, p.get(i) - alpha * m / ((float) Math.sqrt(v) + eps));
        }
    }
}
