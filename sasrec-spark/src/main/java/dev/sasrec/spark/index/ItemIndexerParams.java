package dev.sasrec.spark.index;

import dev.sasrec.spark.params.DefaultedParams;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params {@link ItemIndexer} and {@link ItemIndexerModel} share, each defined once with its documentation, valid
 * values and default, a getter and a setter.
 *
 * @param <S> the stage type setters return
 */
public interface ItemIndexerParams<S extends ItemIndexerParams<S>> extends Params {

    /** @return input column param: raw item ids (string or integral), or an array of them */
    default Param<String> inputCol() {
        return DefaultedParams.string(this, "inputCol", "raw item ids: a string or integral column, or an array of them",
                "item");
    }
    /** @return input column */
    default String getInputCol() { return getOrDefault(inputCol()); }
    /** @param v input column */
    default S setInputCol(String v) { return DefaultedParams.set(this, inputCol(), v); }

    /** @return output column param: ints 1..N (0 for unknown ids under keep), or an array of them */
    default Param<String> outputCol() {
        return DefaultedParams.string(this, "outputCol", "indexed items, 1..N by descending frequency", "itemIndex");
    }
    /** @return output column */
    default String getOutputCol() { return getOrDefault(outputCol()); }
    /** @param v output column */
    default S setOutputCol(String v) { return DefaultedParams.set(this, outputCol(), v); }

    /** @return param of what to do with ids the model has not seen */
    default Param<String> handleInvalid() {
        return DefaultedParams.choice(this, "handleInvalid", "ids not in the vocabulary: error (fail naming the value), "
                + "skip (drop the row, or the array element) or keep (map to 0, the padding id, which sequence building "
                + "drops)", "error", "error", "skip", "keep");
    }
    /** @return error, skip or keep */
    default String getHandleInvalid() { return getOrDefault(handleInvalid()); }
    /** @param v error, skip or keep */
    default S setHandleInvalid(String v) { return DefaultedParams.set(this, handleInvalid(), v); }
}
