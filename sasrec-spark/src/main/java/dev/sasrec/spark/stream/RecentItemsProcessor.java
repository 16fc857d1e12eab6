package dev.sasrec.spark.stream;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.ExpiredTimerInfo;
import org.apache.spark.sql.streaming.ListState;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StatefulProcessorWithInitialState;
import org.apache.spark.sql.streaming.TTLConfig;
import org.apache.spark.sql.streaming.TimeMode;
import org.apache.spark.sql.streaming.TimerValues;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The state step of {@link StreamingRecommender}: per user (the grouping key, as text) it merges the micro-batch's
 * events (rows of raw item id as text and event time in epoch milliseconds) into the user's {@link RecentItems} and
 * emits one {@link Refresh}. The state holds raw ids only; the item indices are looked up in the current model's
 * vocabulary when a refresh is emitted, so a new model can take over the state. The state is a list of chunks
 * ({@link HistoryChunks}), so that a user's event appends its own bytes only.
 */
final class RecentItemsProcessor extends StatefulProcessorWithInitialState<String, Row, Refresh, RecentItems> {

    private static final long serialVersionUID = 1L;

    private final int historyLength;
    private final Duration timeToLive;
    private final Broadcast<Map<String, Integer>> indices;
    private transient ListState<RecentItems> state;

    /**
     * @param historyLength items kept per user
     * @param timeToLive    how long a user's state outlives their latest event (event time); zero keeps it
     * @param indices       raw item id (as text) to the model's item index
     */
    RecentItemsProcessor(int historyLength, Duration timeToLive, Broadcast<Map<String, Integer>> indices) {
        this.historyLength = historyLength;
        this.timeToLive = timeToLive;
        this.indices = indices;
    }

    @Override
    public void init(OutputMode outputMode, TimeMode timeMode) {
        state = getHandle().getListState("recentItems", Encoders.bean(RecentItems.class), TTLConfig.NONE());
    }

    @Override
    public Iterator<Refresh> handleInputRows(String user, Iterator<Row> rows, TimerValues timerValues) {
        List<String> items = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        long latest = Long.MIN_VALUE;
        long earliest = Long.MAX_VALUE;
        int unknown = 0;
        Map<String, Integer> known = indices.value();
        while (rows.hasNext()) {
            Row r = rows.next();
            String item = r.getString(1);
            long time = r.getLong(2);
            items.add(item);
            times.add(time);
            latest = Math.max(latest, time);
            earliest = Math.min(earliest, time);
            if (!known.containsKey(item)) {
                unknown++;
            }
        }
        String[] newItems = items.toArray(new String[0]);
        long[] newTimes = times.stream().mapToLong(Long::longValue).toArray();
        // One read of the store: an empty iterator for a user without state (exists() would be a second read).
        HistoryChunks.Update update = HistoryChunks.update(CollectionConverters.asJava(state.get()), newItems, newTimes,
                historyLength);
        RecentItems merged = update.window();
        if (update.rewrite()) {
            state.put(new RecentItems[]{merged});
        } else {
            state.appendValue(update.appended());
        }
        expireAfter(merged);
        int[] history = new int[merged.getItems().length];
        int n = 0;
        for (String item : merged.getItems()) {
            Integer index = known.get(item);
            if (index != null) {
                history[n++] = index;
            }
        }
        Refresh refresh = new Refresh(user, java.util.Arrays.copyOf(history, n), new Timestamp(latest), earliest, unknown);
        return CollectionConverters.asScala(List.of(refresh).iterator());
    }

    @Override
    public Iterator<Refresh> handleExpiredTimer(String user, TimerValues timerValues, ExpiredTimerInfo expired) {
        state.clear();
        return CollectionConverters.asScala(java.util.Collections.<Refresh>emptyIterator());
    }

    @Override
    public void handleInitialState(String user, RecentItems initial, TimerValues timerValues) {
        state.put(new RecentItems[]{new RecentItems().merge(initial.getItems(), initial.getTimes(), historyLength)});
    }

    /**
     * Moves the user's one event-time timer to the time-to-live after their latest event: when the watermark passes
     * it, {@link #handleExpiredTimer} drops the state. Event time rather than processing time, so a replay of the
     * stream forgets the same users at the same point.
     */
    private void expireAfter(RecentItems history) {
        if (timeToLive.isZero()) {
            return;
        }
        Iterator<Object> timers = getHandle().listTimers();
        while (timers.hasNext()) {
            getHandle().deleteTimer((Long) timers.next());
        }
        long[] times = history.getTimes();
        getHandle().registerTimer(Math.addExact(times[times.length - 1], timeToLive.toMillis()));
    }
}
