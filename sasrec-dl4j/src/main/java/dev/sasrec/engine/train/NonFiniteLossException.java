package dev.sasrec.engine.train;

/** Training produced a NaN or infinite loss or gradient norm; names the epoch and step where it happened. */
public final class NonFiniteLossException extends ArithmeticException {

    private final int epoch;
    private final int step;

    NonFiniteLossException(int epoch, int step, String quantity, double value) {
        super(quantity + " is " + value + " at epoch " + epoch + ", step " + step
                + "; lower the learning rate, set gradientClipNorm, or check the input data");
        this.epoch = epoch;
        this.step = step;
    }

    /** 1-based epoch. */
    public int epoch() {
        return epoch;
    }

    /** 1-based optimisation step since training started. */
    public int step() {
        return step;
    }
}
