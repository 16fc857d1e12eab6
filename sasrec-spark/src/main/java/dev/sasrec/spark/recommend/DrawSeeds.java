package dev.sasrec.spark.recommend;

import dev.sasrec.engine.score.GumbelTopK;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Exploration seeds from Spark values, the same in every JVM and on every replay: a user id of any integral type is
 * its value, any other id (a string) a 64-bit FNV-1a hash of its UTF-8 text; an event time is its epoch
 * milliseconds (timestamp) or its value (long).
 */
final class DrawSeeds {

    private DrawSeeds() {
    }

    /** The draw seed of a user's event under the model's {@code seed}; a null time counts as 0. */
    static long of(long seed, Object user, Object time) {
        return GumbelTopK.seedFor(seed, userKey(user), timeKey(time));
    }

    static long userKey(Object user) {
        if (user instanceof Long || user instanceof Integer || user instanceof Short || user instanceof Byte) {
            return ((Number) user).longValue();
        }
        long h = 0xcbf29ce484222325L;
        for (byte b : String.valueOf(user).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    static long timeKey(Object time) {
        if (time == null) {
            return 0;
        }
        if (time instanceof Timestamp t) {
            return t.getTime();
        }
        if (time instanceof Instant t) {
            return t.toEpochMilli();
        }
        return ((Number) time).longValue();
    }
}
