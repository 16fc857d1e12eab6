package dev.sasrec.engine.train;

import dev.sasrec.engine.model.ParameterLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A gradient over the flat parameters that knows which rows of the item table it holds. A backend that touches a
 * few items of a large catalogue adds their rows one by one ({@link #addToRow}); they are kept side by side in a
 * buffer as large as the rows held, so clearing, norms, sums and a lazy optimiser step cost the rows held and the
 * parameters after the item table (the dense part), and neither memory nor cache traffic grows with the catalogue.
 * A backend that writes the whole table asks for the flat vector ({@link #values()}); from then until the next
 * {@link #clear()} every row is held, in a vector as long as the parameters (allocated on first use).
 *
 * <p>Not thread-safe.
 */
public final class FlatGradient {

    private final int d;
    private final int denseStart;
    private final int size;
    private final float[] dense;
    private final int[] slotOf;
    private int[] rows = new int[64];
    private float[] rowValues;
    private int count;
    private INDArray full;
    private FloatBuffer fullBuffer;
    private boolean allRows;

    /** A zero gradient for parameters in {@code layout}. */
    public FlatGradient(ParameterLayout layout) {
        this(Math.toIntExact(layout.segment(ParameterLayout.ITEM_EMBEDDING).shape()[0]) - 1,
                Math.toIntExact(layout.segment(ParameterLayout.ITEM_EMBEDDING).shape()[1]),
                Math.toIntExact(layout.size()));
    }

    /** A zero gradient over an item table of rows 0..numItems of width d, then {@code size} floats in all. */
    FlatGradient(int numItems, int d, int size) {
        this.d = d;
        this.denseStart = (numItems + 1) * d;
        this.size = size;
        this.dense = new float[size - denseStart];
        this.slotOf = new int[numItems + 1];
        this.rowValues = new float[rows.length * d];
    }

    /**
     * The values as a vector laid out like the parameters. Every row is held from then until the next
     * {@link #clear()}, so writes into the vector count.
     */
    public INDArray values() {
        holdAllRows();
        return full;
    }

    /** Adds {@code d} values from {@code source[from..]} to item row {@code item} (0 being padding). */
    public void addToRow(int item, float[] source, int from) {
        addRow(item, source, from, 1f);
    }

    /** Adds {@code source} to the dense part (the parameters after the item table, in their flat order). */
    public void addToDense(float[] source) {
        if (source.length != dense.length) {
            throw new IllegalArgumentException("dense gradient of " + source.length + " values, expected "
                    + dense.length);
        }
        addDense(source, 1f);
    }

    /** Holds every row of the item table from now until the next {@link #clear()}. */
    public void holdAllRows() {
        if (allRows) {
            return;
        }
        if (full == null) {
            full = Nd4j.create(DataType.FLOAT, size);
            fullBuffer = full.data().asNioFloat();
        }
        for (int i = 0; i < count; i++) {
            int at = rows[i] * d;
            for (int j = 0; j < d; j++) {
                fullBuffer.put(at + j, rowValues[i * d + j]);
            }
        }
        for (int j = 0; j < dense.length; j++) {
            fullBuffer.put(denseStart + j, dense[j]);
        }
        forgetRows();
        Arrays.fill(dense, 0f);
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

    /** The values of the held rows side by side, row {@code i} at {@code i * d} (when not {@link #allRows()}). */
    FloatBuffer heldRows() {
        return FloatBuffer.wrap(rowValues);
    }

    /** The dense part, its first value at index 0. */
    FloatBuffer denseValues() {
        return allRows ? fullBuffer.slice(denseStart, dense.length) : FloatBuffer.wrap(dense);
    }

    /** The flat vector (when {@link #allRows()}). */
    FloatBuffer allValues() {
        return fullBuffer;
    }

    /** Makes the gradient zero and holding no row, at the cost of the rows it held. */
    public void clear() {
        if (allRows) {
            for (int i = 0; i < size; i++) {
                fullBuffer.put(i, 0f);
            }
            allRows = false;
        } else {
            forgetRows();
            Arrays.fill(dense, 0f);
        }
    }

    /** {@code this += scale * other}, over what either holds. */
    public void addScaled(FlatGradient other, float scale) {
        if (other.allRows) {
            holdAllRows();
            for (int i = 0; i < size; i++) {
                fullBuffer.put(i, fullBuffer.get(i) + other.fullBuffer.get(i) * scale);
            }
            return;
        }
        for (int i = 0; i < other.count; i++) {
            addRow(other.rows[i], other.rowValues, i * d, scale);
        }
        addDense(other.dense, scale);
    }

    /** The squared Euclidean norm. */
    public double squaredNorm() {
        double sum = 0;
        if (allRows) {
            for (int i = 0; i < size; i++) {
                double v = fullBuffer.get(i);
                sum += v * v;
            }
            return sum;
        }
        for (float v : dense) {
            sum += (double) v * v;
        }
        for (int i = 0; i < count * d; i++) {
            double v = rowValues[i];
            sum += v * v;
        }
        return sum;
    }

    /** Multiplies every value by {@code factor}. */
    public void scale(float factor) {
        if (allRows) {
            for (int i = 0; i < size; i++) {
                fullBuffer.put(i, fullBuffer.get(i) * factor);
            }
            return;
        }
        for (int i = 0; i < count * d; i++) {
            rowValues[i] *= factor;
        }
        for (int j = 0; j < dense.length; j++) {
            dense[j] *= factor;
        }
    }

    /** Adds {@code scale} times {@code d} values from {@code source[from..]} to item row {@code item}. */
    private void addRow(int item, float[] source, int from, float scale) {
        if (allRows) {
            addScaledInto(fullBuffer, item * d, source, from, d, scale);
            return;
        }
        int slot = slotOf[item] - 1;
        if (slot < 0) {
            slot = append(item);
            for (int j = 0; j < d; j++) {
                rowValues[slot * d + j] = source[from + j] * scale;
            }
            return;
        }
        for (int j = 0; j < d; j++) {
            rowValues[slot * d + j] += source[from + j] * scale;
        }
    }

    /** Adds {@code scale} times {@code source} to the dense part. */
    private void addDense(float[] source, float scale) {
        if (allRows) {
            addScaledInto(fullBuffer, denseStart, source, 0, dense.length, scale);
            return;
        }
        for (int j = 0; j < dense.length; j++) {
            dense[j] += source[j] * scale;
        }
    }

    private static void addScaledInto(FloatBuffer target, int at, float[] source, int from, int n, float scale) {
        for (int j = 0; j < n; j++) {
            target.put(at + j, target.get(at + j) + source[from + j] * scale);
        }
    }

    private int append(int item) {
        if (count == rows.length) {
            rows = Arrays.copyOf(rows, 2 * count);
            rowValues = Arrays.copyOf(rowValues, rows.length * d);
        }
        rows[count] = item;
        slotOf[item] = count + 1;
        return count++;
    }

    private void forgetRows() {
        for (int i = 0; i < count; i++) {
            slotOf[rows[i]] = 0;
        }
        count = 0;
    }
}
