package dev.sasrec.spark.recommend;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * Engine objects kept per executor JVM between tasks: building a SameDiff graph costs seconds, while a task may
 * last less. An object is borrowed by one task at a time (a SameDiff graph is not thread-safe), so concurrent
 * tasks of an executor each get their own and work in parallel. Objects are kept per key (the configuration or
 * the weights they were built for); the pool forgets every idle object when it would hold more than
 * {@code maxKeys} keys.
 *
 * @param <T> what is pooled
 */
final class JvmPool<T> {

    private final int maxKeys;
    private final Map<String, ConcurrentLinkedQueue<T>> idle = new ConcurrentHashMap<>();

    JvmPool(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    /** An idle object built for {@code key}, or a new one from {@code create}. */
    T borrow(String key, Supplier<T> create) {
        ConcurrentLinkedQueue<T> queue = idle.get(key);
        T t = queue == null ? null : queue.poll();
        return t != null ? t : create.get();
    }

    /** Makes {@code value}, built for {@code key}, available to the next task. */
    void giveBack(String key, T value) {
        if (!idle.containsKey(key) && idle.size() >= maxKeys) {
            idle.clear();
        }
        idle.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).offer(value);
    }
}
