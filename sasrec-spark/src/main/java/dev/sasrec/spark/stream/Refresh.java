package dev.sasrec.spark.stream;

import java.io.Serializable;
import java.sql.Timestamp;

/**
 * What {@link StreamingRecommender}'s state step emits for a user with new events in a micro-batch: the user's
 * history as the model's item indices (items it does not know left out), the latest and the earliest new event's
 * times, and how many of the new events named an item the model does not know. A Java bean for Spark's encoder.
 */
public final class Refresh implements Serializable {

    private static final long serialVersionUID = 1L;

    private String user;
    private int[] itemIndex;
    private Timestamp eventTime;
    private long firstEventMillis;
    private int unknownItems;

    /** An empty refresh (for the bean encoder). */
    public Refresh() {
    }

    Refresh(String user, int[] itemIndex, Timestamp eventTime, long firstEventMillis, int unknownItems) {
        this.user = user;
        this.itemIndex = itemIndex;
        this.eventTime = eventTime;
        this.firstEventMillis = firstEventMillis;
        this.unknownItems = unknownItems;
    }

    /** @return the user id, as text */
    public String getUser() {
        return user;
    }

    /** @param user the user id, as text */
    public void setUser(String user) {
        this.user = user;
    }

    /** @return the history's item indices, oldest first */
    public int[] getItemIndex() {
        return itemIndex;
    }

    /** @param itemIndex the history's item indices, oldest first */
    public void setItemIndex(int[] itemIndex) {
        this.itemIndex = itemIndex;
    }

    /** @return the latest new event's time */
    public Timestamp getEventTime() {
        return eventTime;
    }

    /** @param eventTime the latest new event's time */
    public void setEventTime(Timestamp eventTime) {
        this.eventTime = eventTime;
    }

    /** @return the earliest new event's time, epoch milliseconds: the user's longest-waiting event */
    public long getFirstEventMillis() {
        return firstEventMillis;
    }

    /** @param firstEventMillis the earliest new event's time, epoch milliseconds */
    public void setFirstEventMillis(long firstEventMillis) {
        this.firstEventMillis = firstEventMillis;
    }

    /** @return new events whose item the model does not know */
    public int getUnknownItems() {
        return unknownItems;
    }

    /** @param unknownItems new events whose item the model does not know */
    public void setUnknownItems(int unknownItems) {
        this.unknownItems = unknownItems;
    }
}
