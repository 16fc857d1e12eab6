package dev.sasrec.engine.loss;


import dev.sasrec.engine.model.SasRecConfig;
import java.util.Locale;
import java.util.function.Function;

/**
 * The training objectives of the SASRec engine, each implemented by one {@link LossHead}. Adding a loss is one
 * head class and one constant here.
 */
public enum Loss {
    /** The paper's binary cross-entropy with one negative per position, drawn from items the user never interacted with. */
    BCE(config -> new BinaryCrossEntropy()),
    /** Full softmax cross-entropy over the whole catalogue ("SASRec+"). */
    CE(config -> new FullSoftmax()),
    /** Sampled softmax: the target against {@code numNegatives} uniformly drawn items shared by the batch. */
    SAMPLED(config -> new SampledSoftmax(config.numNegatives())),
    /**
     * gSASRec's generalised BCE: the target against {@code numNegatives} uniformly drawn items per position, its
     * term calibrated by {@code gbceCalibration}.
     */
    GBCE(config -> new GeneralisedBinaryCrossEntropy(config.numNegatives(), config.gbceCalibration(),
            config.hiddenUnits()));

    private final Function<SasRecConfig, LossHead> head;

    Loss(Function<SasRecConfig, LossHead> head) {
        this.head = head;
    }

    /** A head computing this loss under {@code config}. */
    public LossHead head(SasRecConfig config) {
        return head.apply(config);
    }

    /** The lower-case name used in configuration files and command lines. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
