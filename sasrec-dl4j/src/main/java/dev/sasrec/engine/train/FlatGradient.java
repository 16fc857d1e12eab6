package dev.sasrec.engine.train;

import dev.sasrec.engine.model.ParameterLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A gradient over the flat parameters that knows which rows of the item table it holds: a backend that touches a
 * few items of a large catalogue records their rows ({@link #holdRow}), one that writes the whole table says so
 * ({@link #holdAllRows}). Every other row is zero, so clearing, norms, sums and a lazy optimiser step cost the rows
 * held and the parameters after the item table (the dense part), not the catalogue.
 *
 * <p>Not thread-safe.
 */
public final class FlatGradient {

    private final INDArray values;
    private final FloatBuffer buffer;
    private final int d;
    private final int denseStart;
    private final int size;
    private final boolean[] held;
    private int[] rows = new int[64];
    private int count;
    private boolean allRows;

    /** A zero gradient for parameters in {@code layout}. */
    public FlatGradient(ParameterLayout layout) {
        this(Math.toIntExact(layout.segment(ParameterLayout.ITEM_EMBEDDING).shape()[0]) - 1,
                Math.toIntExact(layout.segment(ParameterLayout.ITEM_EMBEDDING).shape()[1]),
                Math.toIntExact(layout.size()));
    }

    /** A zero gradient over an item table of rows 0..numItems of width d, then {@code size} floats in all. */
    FlatGradient(int numItems, int d, int size) {
        this.values = Nd4j.create(DataType.FLOAT, size);
        this.buffer = values.data().asNioFloat();
        this.d = d;
        this.denseStart = (numItems + 1) * d;
        this.size = size;
        this.held = new boolean[numItems + 1];
    }

    /** The values, flat like the parameters. */
    public INDArray values() {
        return values;
    }

    /** The values as a buffer over the same memory. */
    public FloatBuffer buffer() {
        return buffer;
    }

    /** Records that item row {@code item} (0 being padding) may be nonzero. */
    public void holdRow(int item) {
        if (!held[item] && !allRows) {
            held[item] = true;
            if (count == rows.length) {
                rows = Arrays.copyOf(rows, 2 * count);
            }
            rows[count++] = item;
        }
    }

    /** Records that any row of the item table may be nonzero. */
    public void holdAllRows() {
        allRows = true;
    }

    /** Whether every row may be nonzero; when not, only the {@link #rowCount()} rows listed are. */
    public boolean allRows() {
        return allRows;
    }

    /** Number of rows listed as held (meaningless when {@link #allRows()}). */
    public int rowCount() {
        return count;
    }

    /** The item of held row {@code i}, in the order rows were first held. */
    public int row(int i) {
        return rows[i];
    }

    /** Width of an item row. */
    public int rowWidth() {
        return d;
    }

    /** Where the dense part starts in the flat vector. */
    public int denseStart() {
        return denseStart;
    }

    /** Makes the gradient zero and holding no row, at the cost of the rows it held. */
    public void clear() {
        if (allRows) {
            zero(0, size);
            allRows = false;
            Arrays.fill(held, false);
        } else {
            for (int i = 0; i < count; i++) {
                int at = rows[i] * d;
                zero(at, at + d);
                held[rows[i]] = false;
            }
            zero(denseStart, size);
        }
        count = 0;
    }

    /** {@code this += scale * other}, over what either holds. */
    public void addScaled(FlatGradient other, float scale) {
        if (other.allRows) {
            holdAllRows();
            addRange(other, scale, 0, size);
            return;
        }
        for (int i = 0; i < other.count; i++) {
            int item = other.rows[i];
            holdRow(item);
            addRange(other, scale, item * d, item * d + d);
        }
        addRange(other, scale, denseStart, size);
    }

    /** The squared Euclidean norm. */
    public double squaredNorm() {
        if (allRows) {
            return squares(0, size);
        }
        double sum = squares(denseStart, size);
        for (int i = 0; i < count; i++) {
            sum += squares(rows[i] * d, rows[i] * d + d);
        }
        return sum;
    }

    /** Multiplies every value by {@code factor}. */
    public void scale(float factor) {
        if (allRows) {
            scaleRange(0, size, factor);
            return;
        }
        for (int i = 0; i < count; i++) {
            scaleRange(rows[i] * d, rows[i] * d + d, factor);
        }
        scaleRange(denseStart, size, factor);
    }

    private void zero(int from, int to) {
        for (int i = from; i < to; i++) {
            buffer.put(i, 0f);
        }
    }

    private void addRange(FlatGradient other, float scale, int from, int to) {
        for (int i = from; i < to; i++) {
            buffer.put(i, buffer.get(i) + other.buffer.get(i) * scale);
        }
    }

    private double squares(int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double v = buffer.get(i);
            sum += v * v;
        }
        return sum;
    }

    private void scaleRange(int from, int to, float factor) {
        for (int i = from; i < to; i++) {
            buffer.put(i, buffer.get(i) * factor);
        }
    }
}
