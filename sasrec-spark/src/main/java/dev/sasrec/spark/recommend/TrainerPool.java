package dev.sasrec.spark.recommend;

import dev.sasrec.engine.SasRecConfig;
import dev.sasrec.engine.SasRecTrainer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Engine trainers kept per executor JVM between rounds: building a SameDiff training graph costs seconds, while
 * a round may last less. A trainer is borrowed by one task at a time (SameDiff is not thread-safe) and has its
 * whole state replaced from the round's broadcast before use, so reuse changes no result.
 */
final class TrainerPool {

    private static final Map<String, ConcurrentLinkedQueue<SasRecTrainer>> POOL = new ConcurrentHashMap<>();

    private TrainerPool() {
    }

    static SasRecTrainer borrow(SasRecConfig config, int numItems, int maxPositionsPerPass) {
        SasRecTrainer t = queue(config, numItems).poll();
        if (t == null) {
            t = new SasRecTrainer(config, numItems);
        }
        return t.maxPositionsPerPass(maxPositionsPerPass);
    }

    static void giveBack(SasRecConfig config, int numItems, SasRecTrainer trainer) {
        queue(config, numItems).offer(trainer);
    }

    private static ConcurrentLinkedQueue<SasRecTrainer> queue(SasRecConfig config, int numItems) {
        return POOL.computeIfAbsent(config.toMap() + "/" + numItems, k -> new ConcurrentLinkedQueue<>());
    }
}
