package dev.sasrec.engine.internal;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostArraysTest {

    @Test
    void roundTripsAPlainArray() {
        float[] values = {1.5f, -2f, 0f, 3.25f, 7f, -0.5f};
        INDArray a = HostArrays.of(values, 2, 3);
        assertArrayEquals(new long[]{2, 3}, a.shape());
        assertArrayEquals(values, HostArrays.floats(a));
    }

    @Test
    void readsViewsFortranOrderAndOtherTypesInCOrder() {
        INDArray m = Nd4j.create(new double[][]{{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, HostArrays.floats(m));
        INDArray f = m.castTo(DataType.FLOAT).dup('f');
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, HostArrays.floats(f));
        INDArray column = f.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3));
        assertArrayEquals(new float[]{2, 3, 5, 6}, HostArrays.floats(column));
        assertArrayEquals(new float[]{1, 4}, HostArrays.floats(m.getColumn(0)));
    }

    @Test
    void rejectsAShapeThatDoesNotHoldTheData() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostArrays.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("holds 6 values, got 5"), e.getMessage());
    }
}
