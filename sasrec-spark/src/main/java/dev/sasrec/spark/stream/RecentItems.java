package dev.sasrec.spark.stream;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One user's state in {@link StreamingRecommender}: the last n items in raw ids (as text, so that any model's
 * vocabulary can map them), oldest first, with their event times in epoch milliseconds. A Java bean, so that
 * Spark's state store holds it as columns ({@code items}, {@code times}).
 */
public final class RecentItems implements Serializable {

    private static final long serialVersionUID = 1L;

    private String[] items = new String[0];
    private long[] times = new long[0];

    /** An empty history (for the bean encoder). */
    public RecentItems() {
    }

    RecentItems(String[] items, long[] times) {
        this.items = items;
        this.times = times;
    }

    /** @return the raw item ids, oldest first */
    public String[] getItems() {
        return items;
    }

    /** @param items the raw item ids, oldest first */
    public void setItems(String[] items) {
        this.items = items;
    }

    /** @return each item's event time in epoch milliseconds */
    public long[] getTimes() {
        return times;
    }

    /** @param times each item's event time in epoch milliseconds */
    public void setTimes(long[] times) {
        this.times = times;
    }

    /**
     * This history with {@code newItems} (at {@code newTimes}) merged in event-time order (equal times by item id,
     * so the result does not depend on arrival order), keeping the last {@code n}.
     */
    RecentItems merge(String[] newItems, long[] newTimes, int n) {
        int total = items.length + newItems.length;
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        java.util.Comparator<Integer> byTime = (a, b) -> {
            int t = Long.compare(timeAt(a, newTimes), timeAt(b, newTimes));
            if (t != 0) {
                return t;
            }
            // an item already held sorts before a new one at the same time; new ones among themselves by id
            boolean aOld = a < items.length;
            boolean bOld = b < items.length;
            if (aOld != bOld) {
                return aOld ? -1 : 1;
            }
            return aOld ? Integer.compare(a, b) : itemAt(a, newItems).compareTo(itemAt(b, newItems));
        };
        // The held items are in order already; when no new event is older than the latest of them (the common
        // case), only the new ones need sorting.
        long earliestNew = Arrays.stream(newTimes).min().orElse(Long.MAX_VALUE);
        boolean inOrder = times.length == 0 || earliestNew >= times[times.length - 1];
        Arrays.sort(order, inOrder ? items.length : 0, total, byTime);
        int keep = Math.min(n, total);
        String[] outItems = new String[keep];
        long[] outTimes = new long[keep];
        for (int i = 0; i < keep; i++) {
            int from = order[total - keep + i];
            outItems[i] = itemAt(from, newItems);
            outTimes[i] = timeAt(from, newTimes);
        }
        return new RecentItems(outItems, outTimes);
    }

    private long timeAt(int i, long[] newTimes) {
        return i < times.length ? times[i] : newTimes[i - times.length];
    }

    private String itemAt(int i, String[] newItems) {
        return i < items.length ? items[i] : newItems[i - items.length];
    }
}
