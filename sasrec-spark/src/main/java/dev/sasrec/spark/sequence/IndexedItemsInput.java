package dev.sasrec.spark.sequence;

import dev.sasrec.spark.params.DefaultedParams;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The input column of the stages that read indexed item histories ({@link SequenceBuilder},
 * {@link LeaveOneOutSplitter}), defined once.
 *
 * @param <S> the stage type the setter returns
 */
public interface IndexedItemsInput<S extends IndexedItemsInput<S>> extends Params {

    /** @return input column param */
    default Param<String> inputCol() {
        return DefaultedParams.string(this, "inputCol", "indexed items in time order, array<int>", "itemIndex");
    }
    /** @return input column */
    default String getInputCol() { return getOrDefault(inputCol()); }
    /** @param v input column */
    default S setInputCol(String v) { return DefaultedParams.set(this, inputCol(), v); }
}
