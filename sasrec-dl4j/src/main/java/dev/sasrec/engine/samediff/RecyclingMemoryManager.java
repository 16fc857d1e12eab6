package dev.sasrec.engine.samediff;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.common.util.ArrayUtil;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A SameDiff session memory manager that reuses native buffers and frees the rest without the garbage collector.
 *
 * <p>SameDiff releases only a small part of what an execution allocates (about 64 MB of the 1.4 GB of a training
 * step at batch 128, n = 200); the rest stays referenced by the session's maps or by nothing, and ND4J would free it
 * only when the Java objects are collected. This manager takes an array back as soon as the session releases it,
 * and every other array it handed out when the engine calls {@link #freeAll(SameDiff)}, once it has copied what it
 * needs out of an execution's results.
 *
 * <p>A buffer taken back is handed out again to the next allocation of the same type and length, in the same
 * execution or the next one: memory the process has never touched costs a page fault per 4 KB on first write,
 * which for the [B, m, m] attention arrays took ten times as long as the op writing them. Buffers that an
 * execution did not ask for are freed at its end, so what stays allocated between executions is at most what the
 * last one used, and resident memory follows the live set of one or two executions with no collection at all.
 *
 * <p>Sessions are per thread, and so is each manager.
 */
final class RecyclingMemoryManager extends AbstractMemoryMgr {

    /** Arrays shorter than this (in elements) are closed rather than kept: the allocator serves them cheaply. */
    static final long MIN_RECYCLED = 4096;

    /** Arrays handed out and not yet taken back. */
    private final Set<INDArray> open = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Buffers taken back, by type and length, most recent first, waiting to be handed out again. */
    private final Map<BufferKey, ArrayDeque<Recycled>> recycled = new HashMap<>();
    /** Executions ended so far: a recycled buffer remembers the one it was taken back in. */
    private long generation;
    /** Arrays handed out since this manager was installed. */
    private long allocations;
    /** {@link #allocations} when the last execution ended. */
    private long allocationsAtLastEnd;
    /** Arrays of at least {@link #MIN_RECYCLED} elements handed out on a newly allocated buffer. */
    private long freshBuffers;

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        long length = ArrayUtil.prodLong(shape);
        boolean recyclable = shape.length > 0 && length >= MIN_RECYCLED;
        INDArray a = recyclable ? reuse(dataType, length, shape) : null;
        if (a == null) {
            a = Nd4j.createUninitializedDetached(dataType, shape);
            if (recyclable) {
                freshBuffers++;
            }
        }
        open.add(a);
        allocations++;
        return a;
    }

    private INDArray reuse(DataType dataType, long length, long[] shape) {
        ArrayDeque<Recycled> free = recycled.get(new BufferKey(dataType, length));
        while (free != null && !free.isEmpty()) {
            DataBuffer buffer = free.pop().buffer();
            if (!buffer.wasClosed()) {
                return Nd4j.create(buffer, shape, Nd4j.getStrides(shape, 'c'), 0, 'c', dataType);
            }
        }
        return null;
    }

    /** Keeps {@code a}'s buffer for reuse, or closes it when it is too small to be worth keeping. */
    private void takeBack(INDArray a) {
        if (a.wasClosed() || !a.closeable()) {
            return;
        }
        if (a.length() < MIN_RECYCLED || a.rank() == 0) {
            a.close();
            return;
        }
        recycled.computeIfAbsent(new BufferKey(a.dataType(), a.length()), k -> new ArrayDeque<>())
                .push(new Recycled(a.data(), generation));
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        return allocate(detached, descriptor.dataType(), descriptor.getShape());
    }

    @Override
    public void release(INDArray array) {
        if (array != null && open.remove(array)) {
            takeBack(array);
        }
    }

    @Override
    public void close() {
        endExecution();
        for (ArrayDeque<Recycled> free : recycled.values()) {
            for (Recycled r : free) {
                closeIfOpen(r.buffer());
            }
        }
        recycled.clear();
    }

    /**
     * Takes back every array still handed out, then frees the recycled buffers that no allocation of the execution
     * just ended asked for: what stays is at most what one execution used. A manager that allocated nothing since
     * the last end did not execute (a forward-only run leaves the gradient function idle) and keeps its buffers.
     */
    private void endExecution() {
        if (allocations == allocationsAtLastEnd) {
            return;
        }
        allocationsAtLastEnd = allocations;
        for (INDArray a : open) {
            takeBack(a);
        }
        open.clear();
        for (Iterator<ArrayDeque<Recycled>> it = recycled.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Recycled> free = it.next();
            free.removeIf(r -> {
                boolean stale = r.generation < generation;
                if (stale) {
                    closeIfOpen(r.buffer());
                }
                return stale;
            });
            if (free.isEmpty()) {
                it.remove();
            }
        }
        generation++;
    }

    private static void closeIfOpen(DataBuffer buffer) {
        if (!buffer.wasClosed() && buffer.closeable()) {
            buffer.close();
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
     * Ends the calling thread's execution of {@code sd} (and of its gradient function): takes back every array
     * allocated since the last call, outputs included, for the next execution to reuse, and frees the buffers this
     * execution did not ask for. Call it only when no result of the execution is used any more.
     */
    static void freeAll(SameDiff sd) {
        freeAllOn(sd);
        SameDiff grad = sd.getFunction("grad");
        if (grad != null) {
            freeAllOn(grad);
        }
    }

    private static void freeAllOn(SameDiff sd) {
        RecyclingMemoryManager m = of(sd);
        if (m != null) {
            m.endExecution();
        }
    }

    /** The calling thread's manager of {@code sd}, or null when none is installed. */
    static RecyclingMemoryManager of(SameDiff sd) {
        InferenceSession session = sd.getSessions().get(Thread.currentThread().getId());
        return session != null && session.getMmgr() instanceof RecyclingMemoryManager m ? m : null;
    }

    /** Arrays handed out so far. */
    long allocations() {
        return allocations;
    }

    /** Arrays of at least {@link #MIN_RECYCLED} elements handed out on a newly allocated buffer so far. */
    long freshBuffers() {
        return freshBuffers;
    }

    /** Bytes held in buffers taken back and not handed out again. */
    long recycledBytes() {
        long bytes = 0;
        for (Map.Entry<BufferKey, ArrayDeque<Recycled>> e : recycled.entrySet()) {
            bytes += e.getKey().length() * e.getKey().dataType().width() * e.getValue().size();
        }
        return bytes;
    }

    /** Arrays handed out and still open. */
    int openArrays() {
        return open.size();
    }

    private record BufferKey(DataType dataType, long length) {
    }

    private record Recycled(DataBuffer buffer, long generation) {
    }

    private static void installOn(SameDiff sd) {
        long thread = Thread.currentThread().getId();
        InferenceSession session = sd.getSessions().get(thread);
        if (session == null) {
            session = new InferenceSession(sd);
            sd.getSessions().put(thread, session);
        }
        if (!(session.getMmgr() instanceof RecyclingMemoryManager)) {
            session.setMmgr(new RecyclingMemoryManager());
        }
    }
}
