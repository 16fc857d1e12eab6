package dev.sasrec.engine;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A SameDiff session memory manager that frees native memory without the garbage collector. SameDiff releases
 * only a small part of what an execution allocates (about 64 MB of the 1.4 GB of a training step at batch 128,
 * n = 200); the rest stays referenced by the session's maps or by nothing, and ND4J frees it only when the Java
 * objects are collected. This manager closes an array as soon as the session releases it, remembers every other
 * array it handed out, and closes those in {@link #freeAll(SameDiff)}, which the engine calls once it has copied
 * what it needs out of an execution's results. Resident memory then follows the live set of one execution with
 * no collection at all.
 *
 * <p>Sessions are per thread, and so is each manager.
 */
final class ClosingMemoryManager extends AbstractMemoryMgr {

    /** Arrays handed out and not yet closed. */
    private final Set<INDArray> open = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Arrays handed out since this manager was installed. */
    private long allocations;

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        INDArray a = Nd4j.createUninitializedDetached(dataType, shape);
        open.add(a);
        allocations++;
        return a;
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        return allocate(detached, descriptor.dataType(), descriptor.getShape());
    }

    @Override
    public void release(INDArray array) {
        if (array != null && open.remove(array)) {
            closeIfOpen(array);
        }
    }

    @Override
    public void close() {
        freeAll();
    }

    private void freeAll() {
        for (INDArray a : open) {
            closeIfOpen(a);
        }
        open.clear();
    }

    /** Frees {@code a}'s native memory now, unless it is already closed or cannot be (a view, an empty array). */
    static void closeIfOpen(INDArray a) {
        if (!a.wasClosed() && a.closeable()) {
            a.close();
        }
    }

    /**
     * Installs this manager on every session of {@code sd} and of its gradient function that does not have it yet.
     * Sessions are per thread and created on first use, so call it before each execution.
     */
    static void install(SameDiff sd) {
        installOn(sd);
        SameDiff grad = sd.getFunction("grad");
        if (grad != null) {
            installOn(grad);
        }
    }

    /**
     * Closes every array that the calling thread's executions of {@code sd} (and of its gradient function) have
     * allocated since the last call, outputs included: call it only when no result of those executions is used
     * any more.
     */
    static void freeAll(SameDiff sd) {
        freeAllOn(sd);
        SameDiff grad = sd.getFunction("grad");
        if (grad != null) {
            freeAllOn(grad);
        }
    }

    private static void freeAllOn(SameDiff sd) {
        ClosingMemoryManager m = of(sd);
        if (m != null) {
            m.freeAll();
        }
    }

    /** The calling thread's manager of {@code sd}, or null when none is installed. */
    static ClosingMemoryManager of(SameDiff sd) {
        InferenceSession session = sd.getSessions().get(Thread.currentThread().getId());
        return session != null && session.getMmgr() instanceof ClosingMemoryManager m ? m : null;
    }

    /** Arrays handed out so far. */
    long allocations() {
        return allocations;
    }

    /** Arrays handed out and still open. */
    int openArrays() {
        return open.size();
    }

    private static void installOn(SameDiff sd) {
        long thread = Thread.currentThread().getId();
        InferenceSession session = sd.getSessions().get(thread);
        if (session == null) {
            session = new InferenceSession(sd);
            sd.getSessions().put(thread, session);
        }
        if (!(session.getMmgr() instanceof ClosingMemoryManager)) {
            session.setMmgr(new ClosingMemoryManager());
        }
    }
}
