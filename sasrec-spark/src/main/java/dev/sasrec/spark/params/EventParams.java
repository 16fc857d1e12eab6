package dev.sasrec.spark.params;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The columns of a raw interaction log, shared by the stages that read one ({@code Sessionizer} in batch,
 * {@code StreamingRecommender} in a stream): each defined once, with its documentation, default, getter and setter.
 *
 * @param <S> the stage type setters return
 */
public interface EventParams<S extends EventParams<S>> extends Params {

    /** @return user id column param */
    default Param<String> userCol() {
        return DefaultedParams.string(this, "userCol", "user id column (any type)", "user");
    }
    /** @return user id column */
    default String getUserCol() { return getOrDefault(userCol()); }
    /** @param v user id column */
    default S setUserCol(String v) { return DefaultedParams.set(this, userCol(), v); }

    /** @return item id column param */
    default Param<String> itemCol() {
        return DefaultedParams.string(this, "itemCol", "raw item id column (string or integral)", "item");
    }
    /** @return item id column */
    default String getItemCol() { return getOrDefault(itemCol()); }
    /** @param v item id column */
    default S setItemCol(String v) { return DefaultedParams.set(this, itemCol(), v); }

    /** @return event time column param */
    default Param<String> timeCol() {
        return DefaultedParams.string(this, "timeCol",
                "event time column: timestamp, or a number in timeUnit since the epoch", "timestamp");
    }
    /** @return event time column */
    default String getTimeCol() { return getOrDefault(timeCol()); }
    /** @param v event time column */
    default S setTimeCol(String v) { return DefaultedParams.set(this, timeCol(), v); }

    /** @return unit of a numeric time column param */
    default Param<String> timeUnit() {
        return DefaultedParams.choice(this, "timeUnit", "unit of a numeric time column", "seconds", "seconds", "milliseconds");
    }
    /** @return unit of a numeric time column */
    default String getTimeUnit() { return getOrDefault(timeUnit()); }
    /** @param v unit of a numeric time column */
    default S setTimeUnit(String v) { return DefaultedParams.set(this, timeUnit(), v); }
}
