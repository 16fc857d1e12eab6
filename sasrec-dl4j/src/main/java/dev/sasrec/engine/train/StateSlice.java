package dev.sasrec.engine.train;

import dev.sasrec.engine.internal.PackedArrays;

import java.io.Serializable;
import java.nio.FloatBuffer;

/**
 * Part of a training state: the parameters and both Adam moments of some item-table rows and of everything after
 * the item table (the dense part), and the optimiser's step count. What a distributed trainer exchanges instead of
 * the whole state when a round touched a few items of a large catalogue.
 *
 * <p>The flat state it reads and writes is the trainer's: parameters {@code [size]} with the item table
 * {@code [(N + 1) * d]} first, and Adam state {@code [2 * size]}, first moments then second moments.
 *
 * @param rows      item rows, ascending, without the padding row 0
 * @param rowValues per row, its d parameters, d first moments and d second moments: {@code 3 * d} floats a row
 * @param dense     the dense part's parameters, first moments and second moments, one after the other
 * @param iteration optimiser steps taken
 */
public record StateSlice(int[] rows, float[] rowValues, float[] dense, int iteration) implements Serializable {

    /** Reads {@code rows} and the dense part from a flat state over items 1..numItems of width {@code d}. */
    public static StateSlice read(FloatBuffer params, FloatBuffer adam, int numItems, int d, int[] rows, int iteration) {
        int size = params.limit();
        checkSizes(params, adam);
        float[] values = new float[rows.length * 3 * d];
        for (int i = 0; i < rows.length; i++) {
            int at = rows[i] * d;
            int to = i * 3 * d;
            params.get(at, values, to, d);
            adam.get(at, values, to + d, d);
            adam.get(size + at, values, to + 2 * d, d);
        }
        int denseStart = (numItems + 1) * d;
        int tail = size - denseStart;
        float[] dense = new float[3 * tail];
        params.get(denseStart, dense, 0, tail);
        adam.get(denseStart, dense, tail, tail);
        adam.get(size + denseStart, dense, 2 * tail, tail);
        return new StateSlice(rows, values, dense, iteration);
    }

    /** Overwrites this slice's rows and dense part of a flat state (whose other rows it leaves as they are). */
    public void writeTo(FloatBuffer params, FloatBuffer adam, int d) {
        int size = params.limit();
        checkSizes(params, adam);
        for (int i = 0; i < rows.length; i++) {
            int at = rows[i] * d;
            int from = i * 3 * d;
            params.put(at, rowValues, from, d);
            adam.put(at, rowValues, from + d, d);
            adam.put(size + at, rowValues, from + 2 * d, d);
        }
        int tail = dense.length / 3;
        int denseStart = size - tail;
        params.put(denseStart, dense, 0, tail);
        adam.put(denseStart, dense, tail, tail);
        adam.put(size + denseStart, dense, 2 * tail, tail);
    }

    /** Bytes of the values this slice carries (rows, their values and the dense part). */
    public long bytes() {
        return 4L * rows.length + 4L * rowValues.length + 4L * dense.length;
    }

    /** Serialised as one byte array: {@link PackedArrays} copies the floats in bulk. */
    private Object writeReplace() {
        return new Packed(PackedArrays.pack(rows, rowValues, dense, new int[]{iteration}));
    }

    /** The serialised form of a slice. */
    private record Packed(byte[] arrays) implements Serializable {
        private Object readResolve() {
            Object[] a = PackedArrays.unpack(arrays);
            return new StateSlice((int[]) a[0], (float[]) a[1], (float[]) a[2], ((int[]) a[3])[0]);
        }
    }

    private static void checkSizes(FloatBuffer params, FloatBuffer adam) {
        if (adam.limit() != 2 * params.limit()) {
            throw new IllegalArgumentException("Adam state of " + adam.limit() + " floats, expected twice the "
                    + params.limit() + " parameters");
        }
    }
}
