package dev.sasrec.spark.recommend;

import dev.sasrec.engine.Scorer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One scorer (one inference graph) per network per executor JVM. Tasks of the same executor take turns on it:
 * a scoring batch already uses the native threads, and a second graph would double the memory.
 */
final class ScorerCache {

    private static final int MAX_NETWORKS = 4;
    private static final Map<String, Scorer> SCORERS = new ConcurrentHashMap<>();

    private ScorerCache() {
    }

    static Scorer get(NetworkState state) {
        Scorer s = SCORERS.get(state.key());
        if (s != null) {
            return s;
        }
        synchronized (ScorerCache.class) {
            s = SCORERS.get(state.key());
            if (s == null) {
                if (SCORERS.size() >= MAX_NETWORKS) {
                    SCORERS.clear();
                }
                s = state.network().newScorer();
                SCORERS.put(state.key(), s);
            }
            return s;
        }
    }
}
