package dev.sasrec.spark.recommend;

import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Early stopping on the validation NDCG@10 of the epochs: the best epoch so far (the first with the highest
 * NDCG@10) and its parameters, and whether {@code patience} epochs have gone by without a better one. As the
 * engine's trainer does it; patience 0 never stops.
 */
final class EarlyStopping {

    private final int patience;
    private double bestNdcg = Double.NEGATIVE_INFINITY;
    private int bestEpoch;
    private float[] bestParams;
    private int sinceBest;
    private boolean unsaved;

    EarlyStopping(int patience) {
        this.patience = patience;
    }

    /**
     * Continues from a checkpoint whose epochs {@code resumed} holds: its best epoch and that epoch's parameters,
     * looked up with {@code paramsOfEpoch}; where they cannot be found the search restarts at the checkpoint's
     * epoch, whose parameters are {@code resumedParams}.
     */
    void resume(TrainingSummary resumed, IntFunction<Optional<float[]>> paramsOfEpoch, float[] resumedParams) {
        List<TrainingSummary.Epoch> history = resumed.epochs();
        if (patience == 0 || history.isEmpty()) {
            return;
        }
        Optional<TrainingSummary.Epoch> best = resumed.bestValidatedEpoch();
        Optional<float[]> params = best.flatMap(e -> paramsOfEpoch.apply(e.epoch()));
        TrainingSummary.Epoch last = history.get(history.size() - 1);
        if (params.isPresent()) {
            this.bestNdcg = best.get().validationNdcg10();
            this.bestEpoch = best.get().epoch();
            this.bestParams = params.get();
            this.sinceBest = last.epoch() - best.get().epoch();
        } else if (last.validated()) {
            this.bestNdcg = last.validationNdcg10();
            this.bestEpoch = last.epoch();
            this.bestParams = resumedParams.clone();
            this.sinceBest = 0;
        }
    }

    /** Sees an epoch's figures and the parameters after it. */
    void observe(TrainingSummary.Epoch epoch, float[] params) {
        if (patience == 0 || !epoch.validated()) {
            return;
        }
        if (epoch.validationNdcg10() > bestNdcg) {
            bestNdcg = epoch.validationNdcg10();
            bestEpoch = epoch.epoch();
            bestParams = params.clone();
            sinceBest = 0;
            unsaved = true;
        } else {
            sinceBest++;
        }
    }

    /** Whether {@code patience} epochs have gone by without a better validation NDCG@10. */
    boolean stops() {
        return patience > 0 && sinceBest >= patience;
    }

    /** Whether the best epoch changed since the last call (its parameters are then to be written with checkpoints). */
    boolean takeUnsaved() {
        boolean was = unsaved;
        unsaved = false;
        return was;
    }

    /** The best epoch so far, 0 before any. */
    int bestEpoch() {
        return bestEpoch;
    }

    /** The parameters of the best epoch, empty without early stopping or before any validated epoch. */
    Optional<float[]> bestParams() {
        return Optional.ofNullable(bestParams);
    }
}
