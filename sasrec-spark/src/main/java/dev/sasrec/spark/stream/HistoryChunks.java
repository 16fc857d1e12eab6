package dev.sasrec.spark.stream;

import java.util.Iterator;

/**
 * A user's recent items as {@link RecentItemsProcessor} stores them: a list of chunks, the first the window as it
 * was last written whole, each later one the raw events of one micro-batch, appended. An append writes only the new
 * events (a merge in RocksDB) instead of the whole window, so that a user's event costs the state store a fraction
 * of the bytes and the store flushes and compacts that much less often. Reading folds the chunks in order with
 * {@link RecentItems#merge}, which gives exactly the window that merging each micro-batch as it came would have
 * kept. Once the chunks would hold more than twice the window's items, or number {@link #MAX_CHUNKS} or the
 * window's length (whichever is less), the window is written back whole as one chunk.
 */
final class HistoryChunks {

    /** Chunks a user's state may hold (fewer where the window is shorter) before it is written back as one. */
    static final int MAX_CHUNKS = 16;

    /**
     * What a micro-batch's events do to a user's state.
     *
     * @param window   the user's last n items with the new events merged in
     * @param rewrite  whether the state is to be replaced by {@code window} as one chunk; otherwise
     *                 {@code appended} is added after the chunks held
     * @param appended the micro-batch's events as a chunk (unordered, as they came)
     */
    record Update(RecentItems window, boolean rewrite, RecentItems appended) {
    }

    private HistoryChunks() {
    }

    /**
     * @param held     the user's chunks in the order they were written; none for a user without state
     * @param newItems the micro-batch's raw item ids
     * @param newTimes their event times (epoch ms)
     * @param n        items kept per user
     */
    static Update update(Iterator<RecentItems> held, String[] newItems, long[] newTimes, int n) {
        RecentItems window = null;
        int chunks = 0;
        int items = 0;
        while (held.hasNext()) {
            RecentItems chunk = held.next();
            // the first chunk is a window already: merging it in as new events would reorder its equal-time items
            window = window == null ? chunk : window.merge(chunk.getItems(), chunk.getTimes(), n);
            chunks++;
            items += chunk.getItems().length;
        }
        RecentItems merged = (window != null ? window : new RecentItems()).merge(newItems, newTimes, n);
        boolean rewrite = window == null || chunks >= Math.min(MAX_CHUNKS, n) || items + newItems.length > 2 * n;
        return new Update(merged, rewrite, new RecentItems(newItems, newTimes));
    }
}
