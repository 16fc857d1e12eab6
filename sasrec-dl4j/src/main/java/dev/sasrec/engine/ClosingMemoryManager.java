package dev.sasrec.engine;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SameDiff session memory manager that frees an intermediate array's native memory as soon as the session
 * releases it. SameDiff's default keeps released arrays in a cache and leaves the rest to the garbage collector,
 * which let resident memory reach 5-6 GB during ML-1M training; with this manager it follows the live set of one
 * step. SameDiff releases an array only once nothing in the session uses it any more (its own cache hands such
 * arrays out again), so closing it is safe.
 */
final class ClosingMemoryManager extends AbstractMemoryMgr {

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        return Nd4j.createUninitializedDetached(dataType, shape);
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        return allocate(detached, descriptor.dataType(), descriptor.getShape());
    }

    @Override
    public void release(INDArray array) {
        if (array != null && !array.wasClosed() && array.closeable()) {
            array.close();
        }
    }

    @Override
    public void close() {
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
