package dev.sasrec.engine.internal;

import org.bytedeco.javacpp.FloatPointer;

import java.nio.FloatBuffer;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * Single-precision matrix products through OpenBLAS on row-major operands held in Java arrays: the operands are
 * copied into native scratch buffers this object owns and keeps for the next call (a copy costs a small fraction of
 * a product's arithmetic), and the result is copied back. An operand may instead be a direct buffer in native
 * memory (the parameters), read in place.
 *
 * <p>Not thread-safe: one per thread. OpenBLAS should run one thread per call when several threads each use one
 * (see {@code NativeBackend}).
 */
public final class Blas {

    private final Scratch a = new Scratch();
    private final Scratch b = new Scratch();
    private final Scratch c = new Scratch();

    /**
     * {@code C = alpha * op(A) op(B) + beta * C} with op(A) [m, k], op(B) [k, n] and C [m, n], each operand given
     * as an array, the offset of its first element and its row stride (leading dimension).
     */
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] aArray, int aOffset, int lda, float[] bArray, int bOffset, int ldb,
                     float beta, float[] cArray, int cOffset, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        FloatPointer pa = a.load(aArray, aOffset, span(transA ? k : m, transA ? m : k, lda));
        FloatPointer pb = b.load(bArray, bOffset, span(transB ? n : k, transB ? k : n, ldb));
        product(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, cArray, cOffset, ldc);
    }

    /** As {@link #gemm}, with B read in place from the direct buffer {@code bNative} from element {@code bOffset}. */
    public void gemmNativeB(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] aArray, int aOffset, int lda, FloatBuffer bNative, long bOffset, int ldb,
                            float beta, float[] cArray, int cOffset, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        FloatPointer pa = a.load(aArray, aOffset, span(transA ? k : m, transA ? m : k, lda));
        FloatPointer pb = new FloatPointer(bNative);
        pb.position(bOffset);
        product(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, cArray, cOffset, ldc);
    }

    private void product(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer pa, int lda,
                         FloatPointer pb, int ldb, float beta, float[] cArray, int cOffset, int ldc) {
        int cSpan = span(m, n, ldc);
        FloatPointer pc;
        boolean gaps = ldc != n && m > 1;
        if (beta != 0 || gaps) {
            pc = c.load(cArray, cOffset, cSpan);
        } else {
            pc = c.reserve(cSpan);
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        c.store(cArray, cOffset, cSpan);
    }

    /** Elements from the first to the last of a [rows, cols] operand with row stride {@code ld}. */
    private static int span(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
    }

    /** A growable native buffer and its Java view. */
    private static final class Scratch {
        private FloatPointer pointer = new FloatPointer(1);
        private FloatBuffer view = pointer.asBuffer();

        FloatPointer reserve(int length) {
            if (view.capacity() < length) {
                pointer.close();
                pointer = new FloatPointer(length + length / 2);
                view = pointer.asBuffer();
            }
            return pointer;
        }

        FloatPointer load(float[] array, int offset, int length) {
            reserve(length);
            view.put(0, array, offset, length);
            return pointer;
        }

        void store(float[] array, int offset, int length) {
            view.get(0, array, offset, length);
        }
    }
}
