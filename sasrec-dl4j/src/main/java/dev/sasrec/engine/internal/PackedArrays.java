package dev.sasrec.engine.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Primitive arrays packed into one byte array with bulk copies, for objects that travel through Java serialization
 * in large numbers of floats (a distributed trainer's exchanges): Java serialization writes a {@code float[]}
 * element by element, a {@code byte[]} in one copy.
 */
public final class PackedArrays {

    private static final byte INTS = 'I';
    private static final byte FLOATS = 'F';
    private static final byte LONGS = 'J';
    private static final byte DOUBLES = 'D';

    private PackedArrays() {
    }

    /** Packs {@code arrays} (each an {@code int[]}, {@code float[]}, {@code long[]}, {@code double[]} or null). */
    public static byte[] pack(Object... arrays) {
        long size = 0;
        for (Object a : arrays) {
            size += 5 + (a == null ? 0 : bytes(a));
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
        for (Object a : arrays) {
            if (a == null) {
                out.put((byte) 0).putInt(-1);
            } else if (a instanceof int[] v) {
                out.put(INTS).putInt(v.length);
                out.asIntBuffer().put(v);
            } else if (a instanceof float[] v) {
                out.put(FLOATS).putInt(v.length);
                out.asFloatBuffer().put(v);
            } else if (a instanceof long[] v) {
                out.put(LONGS).putInt(v.length);
                out.asLongBuffer().put(v);
            } else {
                double[] v = (double[]) a;
                out.put(DOUBLES).putInt(v.length);
                out.asDoubleBuffer().put(v);
            }
            out.position(out.position() + (a == null ? 0 : (int) bytes(a)));
        }
        return out.array();
    }

    /** The arrays {@link #pack} packed, in order. */
    public static Object[] unpack(byte[] packed) {
        ByteBuffer in = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN);
        java.util.List<Object> arrays = new java.util.ArrayList<>();
        while (in.hasRemaining()) {
            byte tag = in.get();
            int n = in.getInt();
            Object a;
            switch (tag) {
                case 0 -> a = null;
                case INTS -> {
                    int[] v = new int[n];
                    in.asIntBuffer().get(v);
                    a = v;
                }
                case FLOATS -> {
                    float[] v = new float[n];
                    in.asFloatBuffer().get(v);
                    a = v;
                }
                case LONGS -> {
                    long[] v = new long[n];
                    in.asLongBuffer().get(v);
                    a = v;
                }
                case DOUBLES -> {
                    double[] v = new double[n];
                    in.asDoubleBuffer().get(v);
                    a = v;
                }
                default -> throw new IllegalArgumentException("packed arrays: unknown tag " + tag + " at byte "
                        + (in.position() - 5));
            }
            if (a != null) {
                in.position(in.position() + (int) bytes(a));
            }
            arrays.add(a);
        }
        return arrays.toArray();
    }

    private static long bytes(Object a) {
        if (a instanceof int[] v) {
            return 4L * v.length;
        } else if (a instanceof float[] v) {
            return 4L * v.length;
        } else if (a instanceof long[] v) {
            return 8L * v.length;
        } else if (a instanceof double[] v) {
            return 8L * v.length;
        }
        throw new IllegalArgumentException("packed arrays: cannot pack a " + a.getClass().getName());
    }
}
