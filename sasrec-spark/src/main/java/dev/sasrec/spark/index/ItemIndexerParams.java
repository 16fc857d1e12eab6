package dev.sasrec.spark.index;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/** Params shared by {@link ItemIndexer} and {@link ItemIndexerModel}. */
interface ItemIndexerParams extends Params {

    /** Values of {@code handleInvalid}. */
    String[] HANDLE_INVALID = {"error", "skip", "keep"};

    /** @return input column: raw item ids (string or integral), or an array of them */
    Param<String> inputCol();

    /** @return output column: ints 1..N (0 for unknown ids under keep), or an array of them */
    Param<String> outputCol();

    /** @return what to do with ids the model has not seen */
    Param<String> handleInvalid();

    static Param<String> inputColParam(Params owner) {
        return new Param<>(owner, "inputCol",
                "raw item ids: a string or integral column, or an array of them; default item");
    }

    static Param<String> outputColParam(Params owner) {
        return new Param<>(owner, "outputCol", "indexed items, 1..N by descending frequency; default itemIndex");
    }

    static Param<String> handleInvalidParam(Params owner) {
        return new Param<>(owner, "handleInvalid",
                "ids not in the vocabulary: error (fail naming the value), skip (drop the row, or the array element) "
                        + "or keep (map to 0, the padding id, which sequence building drops); default error",
                ParamValidators.inArray(HANDLE_INVALID));
    }
}
