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
        Integer[] newOrder = new Integer[newItems.length];
        for (int i = 0; i < newOrder.length; i++) {
            newOrder[i] = i;
        }
        Arrays.sort(newOrder, (a, b) -> {
            int byTime = Long.compare(newTimes[a], newTimes[b]);
            return byTime != 0 ? byTime : newItems[a].compareTo(newItems[b]);
        });
        if (newOrder.length == 0 || times.length == 0 || newTimes[newOrder[0]] >= times[times.length - 1]) {
            return appended(newItems, newTimes, newOrder, n);
        }
        int total = items.length + newItems.length;
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int byTime = Long.compare(timeAt(a, newTimes), timeAt(b, newTimes));
            if (byTime != 0) {
                return byTime;
            }
            // an item already held sorts before a new one at the same time; new ones among themselves by id
            boolean aOld = a < items.length;
            boolean bOld = b < items.length;
            if (aOld != bOld) {
                return aOld ? -1 : 1;
            }
            return aOld ? Integer.compare(a, b) : itemAt(a, newItems).compareTo(itemAt(b, newItems));
        });
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

    /**
     * The common case of {@link #merge}: no new event is older than the latest held one, so the result is the held
     * items followed by the new ones in their order, the last {@code n} of them.
     */
    private RecentItems appended(String[] newItems, long[] newTimes, Integer[] newOrder, int n) {
        int total = items.length + newItems.length;
        int keep = Math.min(n, total);
        String[] outItems = new String[keep];
        long[] outTimes = new long[keep];
        for (int i = 0; i < keep; i++) {
            int from = total - keep + i;
            boolean held = from < items.length;
            outItems[i] = held ? items[from] : newItems[newOrder[from - items.length]];
            outTimes[i] = held ? times[from] : newTimes[newOrder[from - items.length]];
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
