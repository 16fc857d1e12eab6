package dev.sasrec.engine.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Bulk copies between Java float arrays and native float arrays. ND4J's {@code Nd4j.create(float[], ...)} and
 * {@code DataBuffer.asFloat()} copy one element at a time, four to six times slower than a buffer copy; every
 * placeholder the engine builds, and every result it reads back, goes through here.
 */
public final class HostArrays {

    private HostArrays() {
    }

    /** A new c-ordered float array of {@code shape} holding {@code data}. */
    public static INDArray of(float[] data, long... shape) {
        long size = 1;
        for (long s : shape) {
            size *= s;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size
                    + " values, got " + data.length);
        }
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        if (data.length > 0) {
            out.data().asNioFloat().put(data);
        }
        return out;
    }

    /** The values of {@code a} in c order, as floats. */
    public static float[] floats(INDArray a) {
        boolean plain = a.dataType() == DataType.FLOAT && !a.isView() && a.ordering() == 'c'
                && a.data().length() == a.length();
        INDArray cast = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        INDArray c = plain ? a : cast.dup('c');
        float[] out = new float[(int) c.length()];
        if (out.length > 0) {
            c.data().asNioFloat().get(out);
        }
        if (c != a) {
            c.close();
        }
        if (cast != a) {
            cast.close();
        }
        return out;
    }

    /** Frees {@code a}'s native memory now, unless it is already closed or cannot be (a view, an empty array). */
    public static void closeIfOpen(INDArray a) {
        if (!a.wasClosed() && a.closeable()) {
            a.close();
        }
    }
}
