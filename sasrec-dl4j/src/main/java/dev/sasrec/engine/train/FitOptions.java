package dev.sasrec.engine.train;

/**
 * How long to train and when to validate.
 *
 * @param epochs    maximum number of epochs; at least 1
 * @param evalEvery validate every this many epochs (and after the last); 0 never
 * @param patience  stop after this many validations without improvement and restore the best parameters; 0 never
 */
public record FitOptions(int epochs, int evalEvery, int patience) {

    /** Validates the values. */
    public FitOptions {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs: invalid value " + epochs + ", expected an integer >= 1");
        }
        if (evalEvery < 0) {
            throw new IllegalArgumentException("evalEvery: invalid value " + evalEvery + ", expected an integer >= 0");
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience: invalid value " + patience + ", expected an integer >= 0");
        }
    }
}
